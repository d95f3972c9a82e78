package dev.coda.durable.spi;

import dev.coda.durable.TaskEngine;

/**
 * Opens the engines of one kind of URL for {@link TaskEngine#fromUrl} and {@code CODA_TASKS_URL}: an engine module on
 * the class or module path (Redis, RabbitMQ) registers one with {@link java.util.ServiceLoader}, as JDBC drivers do.
 * The JDBC engines ({@code jdbc:sqlite:}, {@code jdbc:postgresql:}) are built in.
 *
 * <pre>{@code
 * // META-INF/services/dev.coda.durable.spi.TaskEngineProvider (or "provides" in module-info)
 * public final class RedisEngineProvider implements TaskEngineProvider {
 *     public boolean accepts(String url) { return url.startsWith("redis://"); }
 *     public TaskEngine open(String url) { return RedisTaskEngine.open(url); }
 *     public String example() { return "redis://host:6379/0?prefix=coda"; }
 * }
 * }</pre>
 */
public interface TaskEngineProvider {

    /** Whether this provider opens {@code url} (decided from its scheme only, without connecting). */
    boolean accepts(String url);

    /**
     * An engine for {@code url}, which {@link #accepts} accepted.
     *
     * @throws IllegalArgumentException if the URL is malformed or names an unknown parameter
     */
    TaskEngine open(String url);

    /** An example URL of this provider, shown when no provider accepts a URL. */
    String example();
}
