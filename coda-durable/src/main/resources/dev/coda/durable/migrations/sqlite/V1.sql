-- tasks table
CREATE TABLE coda_tasks (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    queue        TEXT NOT NULL,
    priority     INTEGER NOT NULL DEFAULT 0,
    args         TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       INTEGER NOT NULL,
    unique_key   TEXT,
    lease_owner  TEXT,
    lease_until  INTEGER,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,
    last_error   TEXT,
    result       TEXT
);
CREATE INDEX coda_tasks_ready ON coda_tasks (queue, priority DESC, run_at, id) WHERE state = 'queued';
CREATE INDEX coda_tasks_leases ON coda_tasks (queue, lease_until) WHERE state = 'running';
CREATE UNIQUE INDEX coda_tasks_unique_live ON coda_tasks (unique_key) WHERE unique_key IS NOT NULL AND state IN ('queued', 'running');
