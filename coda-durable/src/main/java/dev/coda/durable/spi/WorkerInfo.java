package dev.coda.durable.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A worker as the {@link WorkerRegistry} knows it.
 *
 * <pre>{@code
 * engine.workers().stream().filter(w -> w.staleAt(Instant.now(), Duration.ofSeconds(30))).forEach(this::warn);
 * }</pre>
 *
 * @param id the worker's id (as in the leases it holds)
 * @param host the host name it runs on
 * @param pid its process id
 * @param startedAt when it registered
 * @param lastHeartbeat its last heartbeat (the engine's clock)
 * @param queues the queues it claims from
 * @param concurrency how many tasks it runs at once, all queues together
 */
public record WorkerInfo(String id, String host, long pid, Instant startedAt, Instant lastHeartbeat, List<String> queues,
                         int concurrency) {

    public WorkerInfo {
        queues = List.copyOf(queues);
    }

    /** Whether its last heartbeat is older than {@code silence} at {@code now}: the worker is probably dead. */
    public boolean staleAt(Instant now, Duration silence) {
        return lastHeartbeat == null || lastHeartbeat.plus(silence).isBefore(now);
    }
}
