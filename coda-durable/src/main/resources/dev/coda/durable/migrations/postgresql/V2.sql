-- timeouts per task
ALTER TABLE ${schema}.coda_tasks ADD COLUMN timeout_ms bigint;
