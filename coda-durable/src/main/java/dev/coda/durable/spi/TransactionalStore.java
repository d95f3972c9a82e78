package dev.coda.durable.spi;

import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine.NewTask;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * An optional capability of engines on a JDBC database: storing tasks inside the application's own transaction, so
 * that its rows and their tasks are committed together or not at all. Ask for it with
 * {@link dev.coda.durable.TaskEngine#capability}; an engine on a broker (Redis, RabbitMQ) has none.
 *
 * <pre>{@code
 * var store = engine.capability(TransactionalStore.class).orElseThrow();
 * store.inTransaction(connection -> { insertOrder(connection); return store.enqueue(connection, List.of(task)); });
 * }</pre>
 */
public interface TransactionalStore {

    /** Stores tasks with the caller's connection, inside its transaction; neither commits nor closes it. */
    List<String> enqueue(Connection transaction, List<NewTask> tasks) throws SQLException;

    /**
     * Runs {@code work} in one transaction on the engine's database with the engine's connection: committed when it
     * returns, rolled back if it throws.
     *
     * @throws dev.coda.durable.TaskEngineException {@linkplain dev.coda.durable.TaskEngineException#unavailable()
     *     unavailable} if the database cannot be reached
     */
    <T> T inTransaction(DurableTasks.JdbcWork<T> work) throws SQLException;
}
