package dev.coda.durable.redis;

import dev.coda.durable.TaskEngine;

/**
 * Opens task engines on Redis: Streams with consumer groups for ready tasks, sorted sets for delayed tasks, leases and
 * indexes, hashes for tasks, every change a Lua script; one server, Sentinel or Cluster through Lettuce. A task is in
 * Redis when {@code enqueue} returns; how long it stays there depends on Redis's persistence (docs/engine-redis.md).
 *
 * <pre>{@code
 * TaskEngine engine = RedisTaskEngine.open("redis://127.0.0.1:6379/0?prefix=app");
 * TaskEngine engine = TaskEngine.fromUrl("redis-sentinel://s1:26379,s2:26379/0?sentinelMasterId=mymaster&prefix=app");
 * TaskEngine engine = TaskEngine.fromUrl("redis+cluster://h1:6379,h2:6379?prefix=app");
 * var tasks = DurableTasks.on(engine).task(Reports::render).build();
 * }</pre>
 *
 * With this module on the class or module path, {@code CODA_TASKS_URL=redis://...} selects it
 * ({@link RedisEngineProvider}).
 */
public final class RedisTaskEngine {

    private RedisTaskEngine() {
    }

    /**
     * An engine on the Redis of {@code url}: {@code redis://[user:password@]host:port[/db]}, {@code rediss://} (TLS),
     * {@code redis-sentinel://host:port[,host:port]/db?sentinelMasterId=name} or
     * {@code redis+cluster://host:port[,host:port]} ({@code rediss+cluster://}), each with an optional
     * {@code prefix=name} for its keys (default {@code coda}) and Lettuce's parameters ({@code timeout}, {@code clientName}).
     *
     * @throws IllegalArgumentException if the URL is malformed
     * @throws dev.coda.durable.TaskEngineException (unavailable) if Redis cannot be reached
     */
    public static TaskEngine open(String url) {
        return RedisEngine.open(RedisUrl.parse(url));
    }
}
