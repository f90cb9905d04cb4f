//! Staff, statistics, classifications and workload on PostgreSQL: the
//! shared SQL, with the Vietnam-time day and minute (UTC + 7 hours).
motcua_store_sql::staff_store!(
    local_day = "to_char((e.at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')",
    local_minute = "(EXTRACT(HOUR FROM (e.at AT TIME ZONE 'UTC') + interval '7 hours') * 60 \
                    + EXTRACT(MINUTE FROM (e.at AT TIME ZONE 'UTC') + interval '7 hours'))::bigint",
    events_in_period = "e.at >= $2 AND e.at < $3",
    dossiers_in_period = "d.submitted_at >= $2 AND d.submitted_at < $3",
);
