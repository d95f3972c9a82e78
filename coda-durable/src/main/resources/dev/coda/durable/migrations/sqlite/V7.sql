-- roll-up of workers' outcomes and timings per minute, queue and task name (TaskStats)
-- one row a counter or histogram bucket (metric: succeeded, failed, retried, wait, run; bucket 0 for the counters),
-- added to by an upsert; minute (epoch minutes) leads the key, so a range of minutes is read and dropped in order
CREATE TABLE coda_task_stats (
    minute INTEGER NOT NULL,
    queue  TEXT NOT NULL,
    name   TEXT NOT NULL,
    metric TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (minute, queue, name, metric, bucket)
) WITHOUT ROWID;
