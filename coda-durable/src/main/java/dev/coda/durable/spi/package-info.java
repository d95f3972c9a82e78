/**
 * The engine SPI beyond storing and claiming ({@link dev.coda.durable.TaskEngine}): searching tasks with keyset
 * paging ({@link TaskSearch}), the registry of workers ({@link WorkerRegistry}), and optional capabilities such as
 * {@link TransactionalStore}, which an engine offers through {@link dev.coda.durable.TaskEngine#capability}.
 * A JDBC database, Redis Streams or RabbitMQ implements these without the application casting to its class.
 *
 * <pre>{@code
 * TaskPage page = engine.search(TaskQuery.newest(50).inStates(DurableState.FAILED));
 * engine.capability(TransactionalStore.class).ifPresent(store -> store.enqueue(connection, tasks));
 * }</pre>
 */
package dev.coda.durable.spi;
