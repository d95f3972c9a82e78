package dev.coda.durable.rabbitmq;

import dev.coda.durable.internal.Backoff;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker queues that did not answer a {@code basic.get} in time, which claims skip for a while: a minute, doubling
 * to ten while a queue stays silent. A quorum queue can come back from a broker crash without a leader (seen on
 * RabbitMQ 3.10 for queues declared shortly before it); asking it blocks the channel, and after a minute the broker
 * closes the connection. Without this, every claim would wait on it and the queues that answer would not be served.
 *
 * <pre>{@code
 * silent.unanswered("app.queue-p9.default");   // logged; skipped for a minute
 * silent.skipped("app.queue-p9.default");      // true until then
 * silent.answered("app.queue-p9.default");     // serves again
 * }</pre>
 */
final class SilentQueues {

    private static final Logger LOG = LoggerFactory.getLogger(SilentQueues.class);
    private static final Backoff SKIP = new Backoff(Duration.ofMinutes(1), 2.0, Duration.ofMinutes(10));

    private record Silence(long times, long untilMillis) {
    }

    private final Map<String, Silence> silent = new ConcurrentHashMap<>();
    private final InstantSource clock;

    SilentQueues(InstantSource clock) {
        this.clock = clock;
    }

    /** Whether claims leave {@code source} alone for now. */
    boolean skipped(String source) {
        var silence = silent.get(source);
        return silence != null && clock.millis() < silence.untilMillis();
    }

    /** {@code source} did not answer: skipped for longer each time in a row. */
    void unanswered(String source) {
        var silence = silent.compute(source, (key, last) -> {
            long times = last == null ? 1 : last.times() + 1;
            return new Silence(times, clock.millis() + SKIP.after(times).toMillis());
        });
        LOG.warn("Broker queue {} did not answer ({} time(s) in a row): claims skip it for {} ms (a quorum queue without a leader?)",
                source, silence.times(), silence.untilMillis() - clock.millis());
    }

    /** {@code source} answered: served as any other. */
    void answered(String source) {
        if (!silent.isEmpty() && silent.remove(source) != null) {
            LOG.info("Broker queue {} answers again", source);
        }
    }
}
