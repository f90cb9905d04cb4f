-- Online payment of a dossier's fees (issue 15 item 5, ADR 0029): one row
-- per payment order sent to the payment platform. The id is derived from
-- the dossier and the fee lines (asking twice makes one order); the status
-- moves pending -> settled | mismatch | failed in one UPDATE guarded by the
-- status it leaves, so a replayed callback settles once.
CREATE TABLE payment_orders (
    id             text COLLATE "C" PRIMARY KEY,
    dossier_code   text COLLATE "C" NOT NULL REFERENCES dossiers (code),
    lines_json     text NOT NULL,
    amount_vnd     bigint NOT NULL CHECK (amount_vnd > 0),
    created_at     timestamptz NOT NULL,
    created_day    date NOT NULL,
    status         text NOT NULL CHECK (status IN ('pending', 'settled', 'mismatch', 'failed')),
    transaction_id text,
    paid_vnd       bigint,
    paid_at        timestamptz,
    settled_at     timestamptz
);
CREATE INDEX payment_orders_dossier ON payment_orders (dossier_code, created_at);
CREATE INDEX payment_orders_day ON payment_orders (created_day);
CREATE INDEX payment_orders_settled ON payment_orders (status, dossier_code);
