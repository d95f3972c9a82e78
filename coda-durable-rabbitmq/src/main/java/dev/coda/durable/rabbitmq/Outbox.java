package dev.coda.durable.rabbitmq;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends, from one thread, the messages of tasks already stored with their dispatch marks ({@code confirm=background}):
 * the caller returns once the rows are committed, and a one-at-a-time enqueue no longer pays a socket write. Whatever
 * is not sent (a broker down, a queue full) or not confirmed keeps its mark, and the {@link Sweeper} publishes it later;
 * the store holds the guarantee, as in a transactional outbox.
 *
 * <pre>{@code
 * var outbox = Outbox.start(publisher, ids -> marks.confirmed(ids));
 * outbox.send(List.of(new Message(id, "default", 0, null)));   // returns at once
 * outbox.close();                                                // sends what is left
 * }</pre>
 */
final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** Messages a write at most, as an enqueue in batches. */
    private static final int BATCH = 1_000;
    /** Messages waiting at most (a frozen broker blocks the thread's write); beyond, they wait for the sweeper. */
    private static final int CAPACITY = 100_000;

    private final Publisher publisher;
    private final Consumer<List<String>> confirmed;
    private final BatchingThread<Message> waiting;
    /** Whether the last send failed, so that an outage is logged once, not at every batch. */
    private boolean failing;

    private Outbox(Publisher publisher, Consumer<List<String>> confirmed) {
        this.publisher = publisher;
        this.confirmed = confirmed;
        this.waiting = BatchingThread.start("coda-rabbitmq-outbox", CAPACITY, BATCH, Duration.ZERO, this::sendNow);
    }

    /** Starts the sending thread; {@code confirmed} gets the ids of each batch the broker confirmed. */
    static Outbox start(Publisher publisher, Consumer<List<String>> confirmed) {
        return new Outbox(publisher, confirmed);
    }

    /** Queues the messages for sending; those that do not fit are left to the sweeper. */
    void send(List<Message> messages) {
        for (var message : messages) {
            if (!waiting.offer(message)) {
                LOG.debug("The outbox is full ({} messages): task {} waits for the sweeper", CAPACITY, message.id());
            }
        }
    }

    private void sendNow(List<Message> batch) {
        var ids = batch.stream().map(Message::id).toList();
        try {
            publisher.send(batch).thenRun(() -> confirmed.accept(ids));
            if (failing) {
                LOG.info("Sending task messages again");
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warn("Sending {} task message(s) failed; the sweeper publishes them once the broker takes them ({})",
                        batch.size(), e.toString());
                failing = true;
            }
        }
    }

    /** Stops the thread, then sends what is still waiting (its confirms are not awaited). */
    @Override
    public void close() {
        waiting.close();
    }
}
