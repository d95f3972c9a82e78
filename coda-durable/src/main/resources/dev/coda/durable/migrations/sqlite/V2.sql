-- timeouts per task
ALTER TABLE coda_tasks ADD COLUMN timeout_ms INTEGER;
