/**
 * Coda's durable tasks: stored before the response says "accepted", run by workers anywhere, retried, never lost
 * when a worker dies, on SQLite or PostgreSQL.
 *
 * <pre>{@code
 * var tasks = DurableTasks.on(TaskEngine.fromEnvironment()).task(Reports::render).build();
 * }</pre>
 */
module dev.coda.durable {
    requires transitive dev.coda.tasks;
    requires transitive java.sql;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.zaxxer.hikari;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;

    exports dev.coda.durable;
    exports dev.coda.durable.spi;
    exports dev.coda.durable.testing;
    // the engine modules share the JDBC engines' building blocks (WakeUp), not part of the API
    exports dev.coda.durable.internal to dev.coda.durable.redis, dev.coda.durable.rabbitmq;

    uses dev.coda.durable.spi.TaskEngineProvider;
}
