package dev.coda.durable.rabbitmq;

import java.time.Instant;

/**
 * A message to publish: the id of a task, routed to its queue with its priority, delayed until {@code runAt}
 * ({@code null} or past: at once). The body is the id; the store holds everything else.
 *
 * <pre>{@code
 * new Message(id, "default", 0, Instant.now().plusSeconds(60))
 * }</pre>
 */
record Message(String id, String queue, int priority, Instant runAt) {
}
