-- tasks table
CREATE TABLE ${schema}.coda_tasks (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    queue        text NOT NULL,
    priority     integer NOT NULL DEFAULT 0,
    args         text NOT NULL,
    state        text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    run_at       timestamptz NOT NULL,
    unique_key   text,
    lease_owner  text,
    lease_until  timestamptz,
    created_at   timestamptz NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz,
    last_error   text,
    result       text
) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
CREATE INDEX coda_tasks_ready ON ${schema}.coda_tasks (queue, priority DESC, run_at, id) WHERE state = 'queued';
CREATE INDEX coda_tasks_leases ON ${schema}.coda_tasks (queue, lease_until) WHERE state = 'running';
CREATE UNIQUE INDEX coda_tasks_unique_live ON ${schema}.coda_tasks (unique_key) WHERE unique_key IS NOT NULL AND state IN ('queued', 'running');
-- a wake-up for listening workers, sent at commit by every transaction that stores tasks (dropped by V3)
CREATE FUNCTION ${schema}.coda_tasks_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${channel}', ''); RETURN NULL; END $$;
CREATE TRIGGER coda_tasks_stored AFTER INSERT ON ${schema}.coda_tasks FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.coda_tasks_notify();
