//! Staff, statistics, classifications and workload on SQLite: the shared
//! SQL, with SQLite's Vietnam-time day and minute (`'+7 hours'`) and its
//! instant comparisons through `julianday`.
motcua_store_sql::staff_store!(
    local_day = "date(e.at, '+7 hours')",
    local_minute = "(CAST(strftime('%H', e.at, '+7 hours') AS INTEGER) * 60 \
                    + CAST(strftime('%M', e.at, '+7 hours') AS INTEGER))",
    events_in_period = "julianday(e.at) >= julianday($2) AND julianday(e.at) < julianday($3)",
    dossiers_in_period = "julianday(d.submitted_at) >= julianday($2) \
                          AND julianday(d.submitted_at) < julianday($3)",
);
