-- index of failed and cancelled tasks only
-- every finishing task entering the index cost SQLite 10-15 % of its enqueue and processing throughput (docs/performance.md):
-- succeeded tasks, the bulk, are paged and purged through the primary key instead, whose UUIDv7 ids are time-ordered
DROP INDEX coda_tasks_finished;
CREATE INDEX coda_tasks_finished ON coda_tasks (state, created_at, id) WHERE state IN ('failed', 'cancelled');
