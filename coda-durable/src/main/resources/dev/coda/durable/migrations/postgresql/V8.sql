-- attempt history: the worker of the current or last attempt, and the attempts that ended without ending the task
ALTER TABLE ${schema}.coda_tasks ADD COLUMN worker text, ADD COLUMN attempt_log jsonb;
