-- dispatch marks of a broker's store (RabbitMQ): set when a task is stored or made ready, cleared when the broker confirmed its message
ALTER TABLE ${schema}.coda_tasks ADD COLUMN dispatch_at timestamptz;
CREATE INDEX coda_tasks_dispatch ON ${schema}.coda_tasks (dispatch_at) WHERE dispatch_at IS NOT NULL;
