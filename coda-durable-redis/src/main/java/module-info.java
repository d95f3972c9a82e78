/**
 * Coda's durable tasks on Redis (Streams, sorted sets, Lua scripts) through Lettuce: one server, Sentinel or Cluster.
 *
 * <pre>{@code
 * var tasks = DurableTasks.on(TaskEngine.fromUrl("redis://127.0.0.1:6379/0?prefix=app")).task(Reports::render).build();
 * }</pre>
 */
module dev.coda.durable.redis {
    requires transitive dev.coda.durable;
    requires lettuce.core;
    requires com.fasterxml.jackson.databind;

    exports dev.coda.durable.redis;
    opens dev.coda.durable.redis to com.fasterxml.jackson.databind;

    provides dev.coda.durable.spi.TaskEngineProvider with dev.coda.durable.redis.RedisEngineProvider;
}
