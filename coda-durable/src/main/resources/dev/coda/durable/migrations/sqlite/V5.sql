-- dispatch marks of a broker's store (RabbitMQ): set when a task is stored or made ready, cleared when the broker confirmed its message
ALTER TABLE coda_tasks ADD COLUMN dispatch_at INTEGER;
CREATE INDEX coda_tasks_dispatch ON coda_tasks (dispatch_at) WHERE dispatch_at IS NOT NULL;
