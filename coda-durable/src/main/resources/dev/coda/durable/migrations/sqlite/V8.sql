-- attempt history: the worker of the current or last attempt, and the attempts that ended without ending the task
ALTER TABLE coda_tasks ADD COLUMN worker TEXT;
ALTER TABLE coda_tasks ADD COLUMN attempt_log TEXT;
