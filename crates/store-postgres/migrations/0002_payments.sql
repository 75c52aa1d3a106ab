-- kaohe PostgreSQL schema, migration 2: payments outside the quarterly settlement.
--
-- * The ledger now also holds entries of revision 0, written outside a settlement: monthly
--   payroll (Art.11), awards (Art.12, Art.13), condolences (Art.16) and the reversing entries
--   of withdrawals; and the kind `commendation_award` (Art.13). The ledger stays append-only.
-- * Awards and condolence payments are kept by id and never replaced.
-- * A withdrawal is a row of its own (reason, time) beside the record it marks: the event,
--   award or condolence stays as imported. Awards, condolences and withdrawals are history:
--   append-only, like the ledger. (The events table is left as it was.)

ALTER TABLE ledger DROP CONSTRAINT ledger_kind_check;
ALTER TABLE ledger ADD CONSTRAINT ledger_kind_check CHECK (kind IN ('base', 'performance',
    'excellent_bonus', 'unqualified_deduction', 'completion_award', 'commendation_award',
    'condolence'));
ALTER TABLE ledger ADD CONSTRAINT ledger_revision_check CHECK (revision >= 0);

CREATE TABLE awards (
    award_id text COLLATE "C" NOT NULL,
    date date NOT NULL,
    -- A village code (the village collective) or a cadre id.
    payee text COLLATE "C" NOT NULL,
    kind text NOT NULL CHECK (kind IN ('completion', 'commendation')),
    amount numeric(14, 2) NOT NULL,
    reason text NOT NULL,
    CONSTRAINT awards_pkey PRIMARY KEY (award_id)
);

CREATE TABLE condolences (
    condolence_id text COLLATE "C" NOT NULL,
    date date NOT NULL,
    cadre_id text COLLATE "C" NOT NULL,
    cause text NOT NULL CHECK (cause IN ('on_duty', 'disaster')),
    recipient text NOT NULL,
    amount numeric(14, 2) NOT NULL,
    note text NOT NULL,
    CONSTRAINT condolences_pkey PRIMARY KEY (condolence_id)
);

-- One mark per record at most (the primary key): withdrawing twice changes nothing.
CREATE TABLE event_withdrawals (
    event_id text COLLATE "C" NOT NULL,
    reason text NOT NULL,
    withdrawn_at_unix bigint NOT NULL,
    CONSTRAINT event_withdrawals_pkey PRIMARY KEY (event_id),
    CONSTRAINT event_withdrawals_event_fkey FOREIGN KEY (event_id) REFERENCES events (event_id)
);

CREATE TABLE award_withdrawals (
    award_id text COLLATE "C" NOT NULL,
    reason text NOT NULL,
    withdrawn_at_unix bigint NOT NULL,
    CONSTRAINT award_withdrawals_pkey PRIMARY KEY (award_id),
    CONSTRAINT award_withdrawals_award_fkey FOREIGN KEY (award_id) REFERENCES awards (award_id)
);

CREATE TABLE condolence_withdrawals (
    condolence_id text COLLATE "C" NOT NULL,
    reason text NOT NULL,
    withdrawn_at_unix bigint NOT NULL,
    CONSTRAINT condolence_withdrawals_pkey PRIMARY KEY (condolence_id),
    CONSTRAINT condolence_withdrawals_condolence_fkey FOREIGN KEY (condolence_id)
        REFERENCES condolences (condolence_id)
);

CREATE TRIGGER awards_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON awards
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER condolences_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON condolences
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER event_withdrawals_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON event_withdrawals
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER award_withdrawals_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON award_withdrawals
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
CREATE TRIGGER condolence_withdrawals_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON condolence_withdrawals
    FOR EACH STATEMENT EXECUTE FUNCTION kaohe_refuse_change();
