-- kaohe PostgreSQL schema, migration 4: the archives of Art.14 and Art.15.
--
-- * Supervision records (Art.14, `inspections.csv`) are kept by id and never replaced, like
--   events: append-only.
-- * Health check-up records (the health archive, Art.15, `health.csv`) are replaced by
--   (cadre_id, date).
-- * The work archive keeps every earlier version of a cadre's roster row: a roster import
--   that changes a cadre's row first copies the old row here, with the import's time and
--   file, in the same transaction. Append-only; `seq` is the order they were kept in.

CREATE TABLE inspections (
    inspection_id text COLLATE "C" NOT NULL,
    date date NOT NULL,
    -- A village code or a cadre id.
    subject text COLLATE "C" NOT NULL,
    area text NOT NULL CHECK (area IN ('archives', 'policy', 'measures', 'industry')),
    finding text NOT NULL CHECK (finding IN ('good', 'fair', 'poor')),
    note text NOT NULL,
    CONSTRAINT inspections_pkey PRIMARY KEY (inspection_id)
);
CREATE INDEX inspections_by_date ON inspections (date, inspection_id);

CREATE TABLE health_records (
    cadre_id text COLLATE "C" NOT NULL,
    date date NOT NULL,
    institution text NOT NULL,
    conclusion text NOT NULL,
    note text NOT NULL,
    CONSTRAINT health_records_pkey PRIMARY KEY (cadre_id, date)
);

CREATE TABLE roster_history (
    cadre_id text COLLATE "C" NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    replaced_at_unix bigint NOT NULL,
    -- The file the replacing import read, as given on its command line ('' when unknown).
    replaced_by_file text NOT NULL,
    name text NOT NULL,
    town text COLLATE "C" NOT NULL,
    village text COLLATE "C" NOT NULL,
    sequence text COLLATE "C" NOT NULL,
    position text NOT NULL,
    monthly_subsidy numeric(14, 2) NOT NULL,
    start_date date NOT NULL,
    end_date date,
    CONSTRAINT roster_history_pkey PRIMARY KEY (cadre_id, seq)
);

CREATE TRIGGER inspections_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON inspections
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER roster_history_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON roster_history
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
