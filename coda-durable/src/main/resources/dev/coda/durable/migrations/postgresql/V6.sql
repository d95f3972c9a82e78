-- the context a task was stored in (trace context, route, request id), a JSON object, NULL for none
ALTER TABLE ${schema}.coda_tasks ADD COLUMN context text;
