package dev.coda.durable.rabbitmq;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.spi.TaskEngineProvider;

/**
 * Opens {@code amqp://} and {@code amqps://} URLs for {@link TaskEngine#fromUrl} and {@code CODA_TASKS_URL}, found by
 * {@link java.util.ServiceLoader} when this module is on the class or module path.
 *
 * <pre>{@code
 * TaskEngine engine = TaskEngine.fromUrl("amqp://guest:guest@127.0.0.1:5672/%2F?prefix=app");
 * }</pre>
 */
public final class RabbitEngineProvider implements TaskEngineProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RabbitEngineProvider() {
    }

    @Override
    public boolean accepts(String url) {
        return url.startsWith("amqp://") || url.startsWith("amqps://");
    }

    @Override
    public TaskEngine open(String url) {
        return RabbitTaskEngine.open(url);
    }

    @Override
    public String example() {
        return "amqp://guest:guest@127.0.0.1:5672/%2F?prefix=coda";
    }
}
