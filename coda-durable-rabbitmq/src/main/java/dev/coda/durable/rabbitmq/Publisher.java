package dev.coda.durable.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Publishes persistent messages on a channel in confirm mode and waits until the broker confirmed every one
 * (written to disk for durable queues): a task counts as sent only then. One batch at a time; a batch's messages
 * go to the work exchange when due, else to the delay bucket that fits ({@link DelayBuckets}).
 *
 * <pre>{@code
 * publisher.publish(List.of(new Message(id, "default", 0, null)));   // returns once the broker confirmed it
 * }</pre>
 */
final class Publisher {

    /** How long a batch waits for the broker's confirms before the call fails (unavailable). */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private final Connection connection;
    private final Topology topology;
    private final InstantSource clock;
    private Channel channel;

    Publisher(Connection connection, Topology topology, InstantSource clock) {
        this.connection = connection;
        this.topology = topology;
        this.clock = clock;
    }

    /** Publishes the messages and waits for their confirms. */
    synchronized void publish(List<Message> messages) throws IOException, TimeoutException, InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        var channel = channel();
        long now = clock.millis();
        for (var message : messages) {
            topology.ensureQueue(message.queue());
            var props = MessageProperties.PERSISTENT_BASIC.builder()
                    .priority(Math.clamp(message.priority(), 0, Topology.PRIORITIES - 1));
            var body = message.id().getBytes(StandardCharsets.UTF_8);
            long remaining = message.runAt() == null ? 0 : message.runAt().toEpochMilli() - now;
            if (remaining <= 0) {
                channel.basicPublish(topology.workExchange(), message.queue(), props.build(), body);
            } else {
                long bucket = DelayBuckets.bucket(remaining);
                topology.ensureDelay(bucket);
                channel.basicPublish(topology.delayExchange(), message.queue(),
                        props.headers(Map.of(Topology.DELAY_HEADER, Long.toString(bucket))).build(), body);
            }
        }
        channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
    }

    /** Records the ids of failed tasks in the failed queue, confirmed. */
    synchronized void failed(Collection<String> ids) throws IOException, TimeoutException, InterruptedException {
        if (ids.isEmpty()) {
            return;
        }
        var channel = channel();
        for (var id : ids) {
            channel.basicPublish("", topology.failedQueue(), MessageProperties.PERSISTENT_BASIC,
                    id.getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = connection.createChannel();
            channel.confirmSelect();
        }
        return channel;
    }
}
