-- index of finished tasks, counters of final states, worker registry
-- finished tasks newest first within a state, for the dashboard's keyset pages and purge; partial, so that a task
-- enters it once, when it finishes (claims and enqueues do not pay for it; live tasks are found through the claims' indexes)
CREATE INDEX coda_tasks_finished ON coda_tasks (state, created_at, id) WHERE state IN ('succeeded', 'failed', 'cancelled');
-- tasks that reached a final state, by queue, in shards (one a worker): kept by the statements that finish, requeue and purge tasks
CREATE TABLE coda_task_counts (
    queue TEXT NOT NULL,
    state TEXT NOT NULL,
    shard INTEGER NOT NULL,
    tasks INTEGER NOT NULL,
    PRIMARY KEY (queue, state, shard)
) WITHOUT ROWID;
INSERT INTO coda_task_counts (queue, state, shard, tasks)
    SELECT queue, state, 0, count(*) FROM coda_tasks WHERE state IN ('succeeded', 'failed', 'cancelled') GROUP BY queue, state;
CREATE TABLE coda_workers (
    id           TEXT PRIMARY KEY NOT NULL,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    queues       TEXT NOT NULL,
    concurrency  INTEGER NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);
