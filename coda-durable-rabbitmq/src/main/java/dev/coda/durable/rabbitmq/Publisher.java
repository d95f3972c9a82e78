package dev.coda.durable.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes persistent messages on a channel in confirm mode and waits until the broker confirmed every one
 * (written to disk for durable queues): a task counts as sent only then. A batch's messages go to the work exchange
 * when due, else to the delay bucket that fits ({@link DelayBuckets}). Callers publish under a lock but wait for their
 * confirms outside it, so concurrent callers share the broker's confirm round trips (and its disk writes). {@link #send}
 * publishes without waiting, for callers whose confirm may come later.
 *
 * <pre>{@code
 * publisher.publish(List.of(new Message(id, "default", 0, null)));   // returns once the broker confirmed it
 * }</pre>
 */
final class Publisher {

    /** How long a batch waits for the broker's confirms before the call fails (unavailable). */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(2);

    /** The confirms a batch waits for; fails if the broker refuses one or the channel closes first. */
    private static final class Pending {
        final AtomicInteger left;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(int count) {
            left = new AtomicInteger(count);
        }
    }

    private final Connection connection;
    private final Topology topology;
    private final InstantSource clock;
    /** Unconfirmed publications by sequence number, of the current channel. */
    private final ConcurrentSkipListMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private Channel channel;
    /** Told the broker queue of each message published at once (not delayed), once confirmed. */
    private volatile java.util.function.Consumer<String> published = source -> { };

    Publisher(Connection connection, Topology topology, InstantSource clock) {
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
    }

    /** Has {@code listener} told the broker queue of each message published to the work exchange. */
    void listen(java.util.function.Consumer<String> listener) {
        published = listener;
    }

    /** Publishes the messages and waits for their confirms. */
    void publish(List<Message> messages) throws IOException, TimeoutException, InterruptedException {
        await(send(messages));
    }

    /**
     * Publishes the messages without waiting: the future completes once the broker confirmed every one, or fails if it
     * refuses one or the channel closes first (it may also never complete: a broker that stopped answering).
     */
    CompletableFuture<Void> send(List<Message> messages) throws IOException {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        var pending = new Pending(messages.size());
        var sources = new java.util.HashSet<String>();
        synchronized (this) {
            var channel = channel();
            long now = clock.millis();
            for (var message : messages) {
                topology.ensureQueue(message.queue());
                var props = MessageProperties.PERSISTENT_BASIC.builder().priority(Topology.level(message.priority()));
                var key = topology.routingKey(message.queue(), message.priority());
                var body = message.id().getBytes(StandardCharsets.UTF_8);
                long remaining = message.runAt() == null ? 0 : message.runAt().toEpochMilli() - now;
                unconfirmed.put(channel.getNextPublishSeqNo(), pending);
                if (remaining <= 0) {
                    channel.basicPublish(topology.workExchange(), key, props.build(), body);
                    sources.add(topology.taskQueue(message.queue(), message.priority()));
                } else {
                    long bucket = DelayBuckets.bucket(remaining);
                    topology.ensureDelay(bucket);
                    channel.basicPublish(topology.delayExchange(), key,
                            props.headers(Map.of(Topology.DELAY_HEADER, Long.toString(bucket))).build(), body);
                }
            }
        }
        return pending.done.thenRun(() -> sources.forEach(published)); // once confirmed: routed, so a claim now finds them
    }

    /** Records the ids of failed tasks in the failed queue, confirmed. */
    void failed(Collection<String> ids) throws IOException, TimeoutException, InterruptedException {
        if (ids.isEmpty()) {
            return;
        }
        var pending = new Pending(ids.size());
        synchronized (this) {
            var channel = channel();
            for (var id : ids) {
                unconfirmed.put(channel.getNextPublishSeqNo(), pending);
                channel.basicPublish("", topology.failedQueue(), MessageProperties.PERSISTENT_BASIC,
                        id.getBytes(StandardCharsets.UTF_8));
            }
        }
        await(pending.done);
    }

    /** Waits for a {@link #send}'s confirms, {@link #CONFIRM_TIMEOUT} at most. */
    static void await(CompletableFuture<Void> confirmed) throws IOException, TimeoutException, InterruptedException {
        try {
            confirmed.get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private void confirmed(long tag, boolean multiple, boolean ack) {
        var confirmed = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true, tag, true);
        for (var it = confirmed.values().iterator(); it.hasNext(); ) {
            var pending = it.next();
            it.remove();
            if (!ack) {
                pending.done.completeExceptionally(new IOException("the broker refused (nack) a message"));
            } else if (pending.left.decrementAndGet() == 0) {
                pending.done.complete(null);
            }
        }
    }

    /** Fails every publication still waiting: a closed channel's confirms never come (sequence numbers restart). */
    private void lost(String why) {
        for (var pending : unconfirmed.values()) {
            pending.done.completeExceptionally(new IOException("the channel closed before the broker confirmed: " + why));
        }
        unconfirmed.clear();
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            lost("a new channel");
            channel = connection.createChannel();
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long tag, boolean multiple) {
                    confirmed(tag, multiple, true);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    confirmed(tag, multiple, false);
                }
            });
            channel.addShutdownListener(cause -> lost(cause.getMessage()));
            channel.confirmSelect();
        }
        return channel;
    }
}
