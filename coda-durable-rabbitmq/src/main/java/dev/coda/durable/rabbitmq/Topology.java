package dev.coda.durable.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names and declarations of an engine's exchanges and queues, all under its prefix:
 * <pre>{@code
 * <prefix>.work            direct exchange; routing key = the task's queue
 * <prefix>.queue.<queue>   durable classic queue, x-max-priority 10, bound to <prefix>.work with key <queue>
 * <prefix>.delay           headers exchange; header coda-delay = a bucket's milliseconds
 * <prefix>.delay.<ms>      durable TTL queue (x-message-ttl <ms>), dead-letters to <prefix>.work with the message's key
 * <prefix>.failed          durable queue of the ids of failed tasks, for operators (at most 100 000, oldest dropped)
 * }</pre>
 * Declared on first use and cached; declarations are idempotent, and automatic recovery declares them again.
 */
final class Topology {

    /** The message header naming a delay bucket. */
    static final String DELAY_HEADER = "coda-delay";
    /** Priorities kept apart by the classic queues (0 to 9); others are clamped into them. */
    static final int PRIORITIES = 10;
    private static final int FAILED_KEPT = 100_000;

    private final String prefix;
    private final Connection connection;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private Channel channel;

    Topology(Connection connection, String prefix) {
        this.connection = connection;
        this.prefix = prefix;
    }

    String workExchange() {
        return prefix + ".work";
    }

    String delayExchange() {
        return prefix + ".delay";
    }

    String taskQueue(String queue) {
        return prefix + ".queue." + queue;
    }

    String delayQueue(long millis) {
        return prefix + ".delay." + millis;
    }

    String failedQueue() {
        return prefix + ".failed";
    }

    /** The exchanges and the failed queue. */
    void declareBase() throws IOException {
        declare("base", ch -> {
            ch.exchangeDeclare(workExchange(), BuiltinExchangeType.DIRECT, true);
            ch.exchangeDeclare(delayExchange(), BuiltinExchangeType.HEADERS, true);
            ch.queueDeclare(failedQueue(), true, false, false, Map.of("x-max-length", FAILED_KEPT, "x-overflow", "drop-head"));
        });
    }

    /** The queue of the tasks of {@code queue}, bound to the work exchange. */
    void ensureQueue(String queue) throws IOException {
        declare("queue:" + queue, ch -> {
            ch.queueDeclare(taskQueue(queue), true, false, false, Map.of("x-max-priority", PRIORITIES - 1));
            ch.queueBind(taskQueue(queue), workExchange(), queue);
        });
    }

    /** The TTL queue of a delay bucket, bound to the delay exchange by its header. */
    void ensureDelay(long millis) throws IOException {
        declare("delay:" + millis, ch -> {
            ch.queueDeclare(delayQueue(millis), true, false, false, Map.of("x-message-ttl", millis,
                    "x-dead-letter-exchange", workExchange()));
            ch.queueBind(delayQueue(millis), delayExchange(), "", Map.of("x-match", "all", DELAY_HEADER, Long.toString(millis)));
        });
    }

    private interface Declaration {
        void run(Channel channel) throws IOException;
    }

    private void declare(String what, Declaration declaration) throws IOException {
        if (declared.contains(what)) {
            return;
        }
        synchronized (this) {
            if (declared.contains(what)) {
                return;
            }
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
            }
            declaration.run(channel);
            declared.add(what);
        }
    }
}
