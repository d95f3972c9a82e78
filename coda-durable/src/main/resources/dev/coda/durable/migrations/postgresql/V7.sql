-- roll-up of workers' outcomes and timings per minute, queue and task name (TaskStats)
-- one row a counter or histogram bucket (metric: succeeded, failed, retried, wait, run; bucket 0 for the counters),
-- added to by an upsert; minute (epoch minutes) leads the key, so a range of minutes is read and dropped in order
CREATE TABLE ${schema}.coda_task_stats (
    minute bigint NOT NULL,
    queue  text NOT NULL,
    name   text NOT NULL,
    metric text NOT NULL,
    bucket integer NOT NULL,
    count  bigint NOT NULL,
    PRIMARY KEY (minute, queue, name, metric, bucket)
);
