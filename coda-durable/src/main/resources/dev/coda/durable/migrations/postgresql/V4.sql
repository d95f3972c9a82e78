-- index of finished tasks, counters of final states, worker registry
-- finished tasks newest first within a state, for the dashboard's keyset pages and purge; partial, so that a task
-- enters it once, when it finishes (claims and enqueues do not pay for it; live tasks are found through the claims' indexes)
CREATE INDEX coda_tasks_finished ON ${schema}.coda_tasks (state, created_at, id) WHERE state IN ('succeeded', 'failed', 'cancelled');
-- tasks that reached a final state, by queue, in shards (one a worker): kept by the statements that finish, requeue and purge tasks
CREATE TABLE ${schema}.coda_task_counts (
    queue text NOT NULL,
    state text NOT NULL,
    shard integer NOT NULL,
    tasks bigint NOT NULL,
    PRIMARY KEY (queue, state, shard)
);
INSERT INTO ${schema}.coda_task_counts (queue, state, shard, tasks)
    SELECT queue, state, 0, count(*) FROM ${schema}.coda_tasks WHERE state IN ('succeeded', 'failed', 'cancelled') GROUP BY queue, state;
CREATE TABLE ${schema}.coda_workers (
    id           text PRIMARY KEY,
    host         text NOT NULL,
    pid          bigint NOT NULL,
    queues       text NOT NULL,
    concurrency  integer NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);
