/**
 * Coda's durable tasks on RabbitMQ: the broker carries which task to run next, a JDBC store (SQLite by default,
 * PostgreSQL for many machines) keeps their state. Opened by URL through {@code TaskEngine.fromUrl}.
 *
 * <pre>{@code
 * // CODA_TASKS_URL=amqp://guest:guest@127.0.0.1:5672/%2F?prefix=app
 * var tasks = DurableTasks.on(TaskEngine.fromEnvironment()).task(Reports::render).build();
 * }</pre>
 */
module dev.coda.durable.rabbitmq {
    requires transitive dev.coda.durable;
    requires com.rabbitmq.client;
    requires org.slf4j;

    exports dev.coda.durable.rabbitmq;

    provides dev.coda.durable.spi.TaskEngineProvider with dev.coda.durable.rabbitmq.RabbitEngineProvider;
}
