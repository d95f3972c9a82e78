/**
 * Coda's durable tasks on Redis: {@link dev.coda.durable.redis.RedisTaskEngine#open} and the
 * {@code redis://} URLs of {@code CODA_TASKS_URL}.
 *
 * <pre>{@code
 * TaskEngine engine = RedisTaskEngine.open("redis://127.0.0.1:6379/0?prefix=app");
 * }</pre>
 */
package dev.coda.durable.redis;
