-- notify after commit, not from a trigger
-- NOTIFY inside a storing transaction holds PostgreSQL's global notification lock across the commit,
-- serialising all enqueues; the engine notifies after committing instead
DROP TRIGGER IF EXISTS coda_tasks_stored ON ${schema}.coda_tasks;
DROP FUNCTION IF EXISTS ${schema}.coda_tasks_notify();
