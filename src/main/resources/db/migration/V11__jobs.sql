-- Long rollbacks and restores run as jobs: the request that starts one is answered 202 with
-- /admin/jobs/{id}, and any instance of the service answers that address from this table while
-- the job runs and after it ended. One row per job; a running job's row is updated as it goes.
-- Which job may run is decided by a PostgreSQL advisory lock held by the instance that runs it
-- (dev.custodian.jobs.JobLock), not by this table: a crashed instance's lock goes with its
-- session, while its row would stay 'running' until the next job marks it 'interrupted'.
-- docs/operations.md (Jobs) is the operator's manual.
CREATE TABLE jobs (
    id             uuid        PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('rollback', 'restore')),
    status         text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    actor          text        NOT NULL,
    request_id     text        NOT NULL,
    request        jsonb       NOT NULL,
    users_total    bigint      NOT NULL DEFAULT 0,
    users_done     bigint      NOT NULL DEFAULT 0,
    changes_undone bigint      NOT NULL DEFAULT 0,
    conflicts      bigint      NOT NULL DEFAULT 0,
    report         jsonb,
    problem        jsonb,
    started_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);

CREATE INDEX jobs_running ON jobs (started_at) WHERE status = 'running';
