package dev.coda.durable.redis;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.spi.TaskEngineProvider;

/**
 * Opens {@code redis://}, {@code rediss://}, {@code redis-sentinel://} and {@code redis+cluster://} URLs for
 * {@link TaskEngine#fromUrl} and {@code CODA_TASKS_URL}; found by {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * // CODA_TASKS_URL=redis://127.0.0.1:6379/0?prefix=app
 * TaskEngine engine = TaskEngine.fromEnvironment();
 * }</pre>
 */
public final class RedisEngineProvider implements TaskEngineProvider {

    @Override
    public boolean accepts(String url) {
        return RedisUrl.accepts(url);
    }

    @Override
    public TaskEngine open(String url) {
        return RedisTaskEngine.open(url);
    }

    @Override
    public String example() {
        return "redis://127.0.0.1:6379/0?prefix=coda";
    }
}
