package dev.coda.durable.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.coda.durable.TaskEngineException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names and declarations of an engine's exchanges and queues, all under its prefix. With quorum queues (the
 * default), which on RabbitMQ 3.10 have no priorities, a task queue is one quorum queue per priority level (0 to 9),
 * claimed highest level first:
 * <pre>{@code
 * <prefix>.work              direct exchange; routing key <level>|<queue> (quorum) or <queue> (classic)
 * <prefix>.queue.<queue>     quorum queue of level 0 (classic: the one queue, x-max-priority 9)
 * <prefix>.queue-p<L>.<queue> quorum queue of level L (1 to 9)
 * <prefix>.delay             headers exchange; header coda-delay = a bucket's milliseconds
 * <prefix>.delay.<ms>        TTL queue (x-message-ttl <ms>), dead-letters to <prefix>.work with the message's key
 *                            (quorum: at-least-once dead-lettering)
 * <prefix>.failed            queue of the ids of failed tasks, for operators (at most 100 000, oldest dropped)
 * }</pre>
 * All durable, declared on first use and cached; declarations are idempotent, and automatic recovery declares them
 * again. A queue that exists with the other type is refused with an error naming it and the {@code queue-type} option.
 */
final class Topology {

    /** The kind of queues an engine declares ({@code queue-type} in the URL). */
    enum QueueType { QUORUM, CLASSIC }

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
    /** The message header naming a delay bucket. */
    static final String DELAY_HEADER = "coda-delay";
    /** Priorities kept apart (0 to 9); others are clamped into them. */
    static final int PRIORITIES = 10;
    private static final int FAILED_KEPT = 100_000;

    private final String prefix;
    private final Connection connection;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private volatile QueueType type;
    private Channel channel;

    Topology(Connection connection, String prefix, QueueType type) {
        this.connection = connection;
        this.prefix = prefix;
        this.type = type;
    }

    QueueType type() {
        return type;
    }

    String workExchange() {
        return prefix + ".work";
    }

    String delayExchange() {
        return prefix + ".delay";
    }

    /** The broker queue of the tasks of {@code queue} at {@code priority} (clamped to a level). */
    String taskQueue(String queue, int priority) {
        int level = type == QueueType.CLASSIC ? 0 : level(priority);
        return level == 0 ? prefix + ".queue." + queue : prefix + ".queue-p" + level + "." + queue;
    }

    /** Every broker queue a task queue may have, of either type (for deleting them). */
    List<String> allTaskQueues(String queue) {
        var out = new ArrayList<String>();
        for (int level = 0; level < PRIORITIES; level++) {
            out.add(level == 0 ? prefix + ".queue." + queue : prefix + ".queue-p" + level + "." + queue);
        }
        return out;
    }

    /** The broker queues of a task queue, highest priority first (one with classic queues). */
    List<String> sources(String queue) {
        if (type == QueueType.CLASSIC) {
            return List.of(taskQueue(queue, 0));
        }
        var out = new ArrayList<String>(PRIORITIES);
        for (int level = PRIORITIES - 1; level >= 0; level--) {
            out.add(taskQueue(queue, level));
        }
        return out;
    }

    /** The routing key of a message of {@code queue} at {@code priority}; a level and '|' first, so never ambiguous. */
    String routingKey(String queue, int priority) {
        return type == QueueType.CLASSIC ? queue : level(priority) + "|" + queue;
    }

    static int level(int priority) {
        return Math.clamp(priority, 0, PRIORITIES - 1);
    }

    String delayQueue(long millis) {
        return prefix + ".delay." + millis;
    }

    String failedQueue() {
        return prefix + ".failed";
    }

    /**
     * The exchanges and the failed queue. With quorum queues asked for, a broker that refuses them (an old one, or one
     * with the feature off) gets classic queues instead.
     */
    void declareBase() throws IOException {
        declare("exchanges", ch -> {
            ch.exchangeDeclare(workExchange(), BuiltinExchangeType.DIRECT, true);
            ch.exchangeDeclare(delayExchange(), BuiltinExchangeType.HEADERS, true);
        });
        try {
            declareFailed();
        } catch (IOException e) {
            if (type != QueueType.QUORUM || mismatch(e) != null) {
                throw e;
            }
            LOG.warn("The broker refused a quorum queue ({}): using classic queues", reason(e));
            type = QueueType.CLASSIC;
            declareFailed();
        }
    }

    private void declareFailed() throws IOException {
        declare("failed", ch -> ch.queueDeclare(failedQueue(), true, false, false,
                arguments(Map.of("x-max-length", FAILED_KEPT, "x-overflow", "drop-head"))));
    }

    /** The queues of the tasks of {@code queue}, bound to the work exchange. */
    void ensureQueue(String queue) throws IOException {
        declare("queue:" + queue, ch -> {
            for (int level = 0; level < (type == QueueType.CLASSIC ? 1 : PRIORITIES); level++) {
                var name = taskQueue(queue, level);
                ch.queueDeclare(name, true, false, false,
                        arguments(type == QueueType.CLASSIC ? Map.of("x-max-priority", PRIORITIES - 1) : Map.of()));
                ch.queueBind(name, workExchange(), routingKey(queue, level));
            }
        });
    }

    /** The TTL queue of a delay bucket, bound to the delay exchange by its header. */
    void ensureDelay(long millis) throws IOException {
        declare("delay:" + millis, ch -> {
            var args = new HashMap<String, Object>(Map.of("x-message-ttl", millis, "x-dead-letter-exchange", workExchange()));
            if (type == QueueType.QUORUM) {
                args.put("x-dead-letter-strategy", "at-least-once"); // needs reject-publish: a full queue refuses, not drops
                args.put("x-overflow", "reject-publish");
            }
            ch.queueDeclare(delayQueue(millis), true, false, false, arguments(args));
            ch.queueBind(delayQueue(millis), delayExchange(), "", Map.of("x-match", "all", DELAY_HEADER, Long.toString(millis)));
        });
    }

    private Map<String, Object> arguments(Map<String, Object> args) {
        var out = new HashMap<>(args);
        if (type == QueueType.QUORUM) {
            out.put("x-queue-type", "quorum");
        }
        return out;
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
            try {
                declaration.run(channel);
            } catch (IOException e) {
                var mismatch = mismatch(e);
                if (mismatch != null) {
                    throw new TaskEngineException(mismatch + " but this engine declares " + type.name().toLowerCase()
                            + " queues: open it with queue-type=" + (type == QueueType.QUORUM ? "classic" : "quorum")
                            + " in the URL (?queue-type=...), or delete the queue (" + reason(e) + ")", e);
                }
                throw e;
            }
            declared.add(what);
        }
    }

    /** "queue 'x' exists as a classic queue," when the broker refused a declaration for the queue's type, else null. */
    private String mismatch(IOException e) {
        var m = java.util.regex.Pattern.compile("inequivalent arg '(x-queue-type|x-max-priority)' for queue '([^']*)'")
                .matcher(reason(e));
        return m.find() ? "queue '" + m.group(2) + "' exists as a " + (type == QueueType.QUORUM ? "classic" : "quorum")
                + " queue," : null;
    }

    private static String reason(IOException e) {
        if (e.getCause() instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        return String.valueOf(e.getMessage());
    }
}
