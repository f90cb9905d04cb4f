//! The working calendar (lịch làm việc): weekends, statutory holidays, the
//! Vietnamese lunar calendar and each year's official schedule.
