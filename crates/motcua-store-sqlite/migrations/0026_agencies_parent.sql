-- The agency tree is walked by its parent links (the permission scope of a
-- work list, the officers of a subtree). PostgreSQL has had this index since
-- 0001; on SQLite every recursive step built an automatic index of the whole
-- agencies table per statement (EXPLAIN QUERY PLAN: "AUTOMATIC COVERING
-- INDEX (parent_id=?)"), 0.4 ms of a province officer's work list on
-- 100,000 dossiers (issue 21 item 5).
CREATE INDEX IF NOT EXISTS agencies_parent ON agencies (parent_id);
