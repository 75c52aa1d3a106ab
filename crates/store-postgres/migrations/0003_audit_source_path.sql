-- kaohe PostgreSQL schema, migration 3: the audit log keeps the path of the file a change came
-- from, beside its SHA-256 (`kaohe audit` shows them as `path=sha256`). Records written before
-- have none.

ALTER TABLE audit_log ADD COLUMN source_path text;
