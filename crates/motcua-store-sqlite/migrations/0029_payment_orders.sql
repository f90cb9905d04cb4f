-- Online payment of a dossier's fees (issue 15 item 5, ADR 0029): one row
-- per payment order sent to the payment platform. The id is derived from
-- the dossier and the fee lines (asking twice makes one order); the status
-- moves pending -> settled | mismatch | failed in one UPDATE guarded by the
-- status it leaves, so a replayed callback settles once.
CREATE TABLE payment_orders (
    id             TEXT PRIMARY KEY,
    dossier_code   TEXT NOT NULL REFERENCES dossiers (code),
    lines_json     TEXT NOT NULL,
    amount_vnd     INTEGER NOT NULL CHECK (amount_vnd > 0),
    created_at     TEXT NOT NULL,
    created_day    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'settled', 'mismatch', 'failed')),
    transaction_id TEXT,
    paid_vnd       INTEGER,
    paid_at        TEXT,
    settled_at     TEXT
);
CREATE INDEX payment_orders_dossier ON payment_orders (dossier_code, created_at);
CREATE INDEX payment_orders_day ON payment_orders (created_day);
CREATE INDEX payment_orders_settled ON payment_orders (status, dossier_code);
