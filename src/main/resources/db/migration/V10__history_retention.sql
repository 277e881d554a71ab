-- History retention (CUSTODIAN_HISTORY_KEEP) and scheduled work shared by several instances.
-- docs/history.md ("Retention") and docs/operations.md ("Scheduled work") are the manuals.

-- Compaction replaces a user's entries older than the retention window by a snapshot on the
-- oldest entry it keeps (the boundary) and marks that entry here, so a read of a version before
-- it can say that the version was compacted away (410) rather than never existed (404).
ALTER TABLE user_changes ADD COLUMN compacted_at timestamptz;

COMMENT ON COLUMN user_changes.compacted_at IS
    'When compaction removed this user''s entries before this one (and stored the state here as snapshot); null otherwise.';

-- Finds a user's boundary in one probe, however long the history kept after it.
CREATE INDEX user_changes_boundary ON user_changes (user_id, version) WHERE compacted_at IS NOT NULL;

-- One row per scheduled task (backup, history compaction): when it last started and finished,
-- and on which instance. Read and written only while holding the task's advisory lock, so
-- instances sharing the database run each task once per interval, not once each.
CREATE TABLE scheduled_runs (
    task        text        PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    instance    text        NOT NULL
);

COMMENT ON TABLE scheduled_runs IS
    'The last run of each scheduled task, shared by every instance of the service. See docs/operations.md.';
COMMENT ON COLUMN scheduled_runs.finished_at IS
    'Null while the run is going on, or when its instance stopped before it finished (then it is due again).';
