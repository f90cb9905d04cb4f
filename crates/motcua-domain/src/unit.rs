//! Administrative units (đơn vị hành chính), current and historical.
