-- kaohe PostgreSQL schema, migration 1.
--
-- Conventions (see the crate docs):
-- * every table is logged (never UNLOGGED): a committed write survives a crash;
-- * natural keys are the primary keys; text keys use COLLATE "C" so that ORDER BY is byte
--   order, as in Rust;
-- * quarters are text `YYYYQn` (fixed width, so byte order is chronological);
-- * money and points are numeric(14,2); u32 counters are bigint, u64 ones numeric(20,0);
-- * times are seconds since the Unix epoch (bigint), exactly as the Store API gives them.

CREATE TABLE policies (
    effective_quarter text COLLATE "C" NOT NULL
        CHECK (effective_quarter ~ '^[0-9]{4}Q[1-4]$'),
    policy_toml text NOT NULL,
    CONSTRAINT policies_pkey PRIMARY KEY (effective_quarter)
);

CREATE TABLE cadres (
    cadre_id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    town text COLLATE "C" NOT NULL,
    village text COLLATE "C" NOT NULL,
    sequence text COLLATE "C" NOT NULL,
    position text NOT NULL,
    monthly_subsidy numeric(14, 2) NOT NULL,
    start_date date NOT NULL,
    end_date date,
    CONSTRAINT cadres_pkey PRIMARY KEY (cadre_id)
);

CREATE TABLE scores (
    quarter text COLLATE "C" NOT NULL,
    subject text COLLATE "C" NOT NULL,
    item text COLLATE "C" NOT NULL,
    points numeric(14, 2) NOT NULL,
    CONSTRAINT scores_pkey PRIMARY KEY (quarter, subject, item)
);

CREATE TABLE events (
    event_id text COLLATE "C" NOT NULL,
    date date NOT NULL,
    subject text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    level text COLLATE "C"
        CHECK (level IN ('national', 'provincial', 'municipal', 'county')),
    note text NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (event_id)
);
CREATE INDEX events_by_date ON events (date, event_id);

-- One row per revision of a settled quarter; (quarter, revision) is the compare-and-set key.
CREATE TABLE settlements (
    quarter text COLLATE "C" NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
    revision bigint NOT NULL CHECK (revision >= 1),
    fingerprint text NOT NULL,
    policy_toml text NOT NULL,
    settled_at_unix bigint NOT NULL,
    CONSTRAINT settlements_pkey PRIMARY KEY (quarter, revision)
);

-- Every revision keeps all its lines (history); `seq` is the written order.
CREATE TABLE settlement_lines (
    quarter text COLLATE "C" NOT NULL,
    revision bigint NOT NULL,
    seq bigint NOT NULL,
    cadre_id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    town text COLLATE "C" NOT NULL,
    village text COLLATE "C" NOT NULL,
    sequence text COLLATE "C" NOT NULL,
    base_score numeric(14, 2) NOT NULL,
    bonus numeric(14, 2) NOT NULL,
    deduction numeric(14, 2) NOT NULL,
    total numeric(14, 2) NOT NULL,
    rank bigint NOT NULL,
    group_size bigint NOT NULL,
    quota bigint NOT NULL,
    grade text NOT NULL CHECK (grade IN ('excellent', 'qualified', 'unqualified')),
    standard numeric(14, 2) NOT NULL,
    base_paid numeric(14, 2) NOT NULL,
    performance_standard numeric(14, 2) NOT NULL,
    adjustment numeric(14, 2) NOT NULL,
    performance_paid numeric(14, 2) NOT NULL,
    total_paid numeric(14, 2) NOT NULL,
    flags text NOT NULL,
    CONSTRAINT settlement_lines_pkey PRIMARY KEY (quarter, revision, seq),
    CONSTRAINT settlement_lines_one_per_cadre UNIQUE (quarter, revision, cadre_id)
);

-- The ledger (SPEC 5.4): append-only; (quarter, entry) is unique, so the database itself
-- refuses a doubled entry.
CREATE TABLE ledger (
    quarter text COLLATE "C" NOT NULL,
    entry bigint NOT NULL,
    revision bigint NOT NULL,
    cadre_id text COLLATE "C" NOT NULL,
    kind text NOT NULL CHECK (kind IN ('base', 'performance', 'excellent_bonus',
        'unqualified_deduction', 'completion_award', 'condolence')),
    month text COLLATE "C",
    amount numeric(14, 2) NOT NULL,
    article text NOT NULL,
    CONSTRAINT ledger_pkey PRIMARY KEY (quarter, entry)
);

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY,
    at_unix bigint NOT NULL,
    os_user text NOT NULL,
    command text NOT NULL,
    source_sha256 text,
    rows numeric(20, 0) NOT NULL CHECK (rows >= 0),
    summary text NOT NULL,
    CONSTRAINT audit_log_pkey PRIMARY KEY (id)
);

-- History is immutable: settlements, their lines, the ledger and the audit log are only ever
-- inserted into. The database refuses UPDATE, DELETE and TRUNCATE on them (statement-level
-- triggers: no cost on INSERT).
CREATE FUNCTION kaohe_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'kaohe: % on % is refused: this table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER settlements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON settlements
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER settlement_lines_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON settlement_lines
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
