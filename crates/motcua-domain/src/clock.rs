//! The legal clock (thời hạn giải quyết): due dates in working days, hours,
//! calendar days or months, with pauses, extensions and explanations.
