-- The Decision 766 index's narrow read (issue 15): one row per dossier with
-- what the index filters on and the dossier's `DossierFact` as compact JSON,
-- written in the same transaction as the dossier's projection row. Rows of
-- dossiers written before this migration start with `fact` NULL: the index
-- derives them from the whole state on first read and writes them back.
CREATE TABLE dossier_index_facts (
    code            TEXT PRIMARY KEY,
    receiving_unit  TEXT NOT NULL,
    procedure_code  TEXT NOT NULL,
    received_at     TEXT,
    updated_at      TEXT NOT NULL,
    closed          INTEGER NOT NULL,
    fact            TEXT
);

CREATE INDEX dossier_index_facts_unit_received
    ON dossier_index_facts (receiving_unit, received_at);

INSERT INTO dossier_index_facts
    (code, receiving_unit, procedure_code, received_at, updated_at, closed, fact)
SELECT code, receiving_unit, procedure_code, received_at, updated_at,
       status IN ('result_ready', 'returned', 'refused_at_reception', 'withdrawn', 'stopped'),
       NULL
FROM dossiers;
