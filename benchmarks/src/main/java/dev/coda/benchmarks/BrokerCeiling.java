package dev.coda.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * RabbitMQ's own ceiling on this machine with the plain Java client, what bounds any task engine on it (issue 15):
 * (a) persistent messages published one at a time, each confirmed before the next; (b) published in batches with
 * asynchronous confirms; (c) a pre-filled queue consumed with manual acknowledgements ({@code multiple=true} every
 * {@code N}) at prefetch 300, a no-op per message. For a classic queue with {@code x-max-priority} and a quorum queue;
 * each on a queue of its own ({@code ceiling-<random>}), deleted after. Run by {@code benchmarks/broker-ceiling.sh}.
 *
 * <pre>{@code
 * java -cp ... dev.coda.benchmarks.BrokerCeiling amqp://guest:guest@127.0.0.1:5672/%2F 100000
 * }</pre>
 */
public final class BrokerCeiling {

    private static final int PREFETCH = 300;
    private static final int ACK_EVERY = 50;
    private static final int BATCH = 500;

    private BrokerCeiling() {
    }

    public static void main(String[] args) throws Exception {
        var uri = args.length > 0 ? args[0] : "amqp://guest:guest@127.0.0.1:5672/%2F";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int single = Math.min(n, 5_000);
        var factory = new ConnectionFactory();
        factory.setUri(uri);
        try (var connection = factory.newConnection("coda-broker-ceiling")) {
            for (var type : new String[] {"classic", "quorum"}) {
                var queue = "ceiling-" + type + "-" + UUID.randomUUID().toString().substring(0, 8);
                Map<String, Object> arguments = type.equals("classic") ? Map.of("x-max-priority", 9) : Map.of("x-queue-type", "quorum");
                try (var ch = connection.createChannel()) {
                    ch.queueDeclare(queue, true, false, false, arguments);
                    ch.confirmSelect();
                    double one = publishOneAtATime(ch, queue, single);
                    ch.queuePurge(queue);
                    double batched = publishBatched(ch, queue, n);
                    double consumed = consume(connection.createChannel(), queue, n);
                    System.out.printf("RESULT %s publish-1-at-a-time %.0f/s (%d msgs) publish-batched-%d %.0f/s consume-prefetch-%d-ack-every-%d %.0f/s (%d msgs)%n",
                            type, one, single, BATCH, batched, PREFETCH, ACK_EVERY, consumed, n);
                } finally {
                    try (var ch = connection.createChannel()) {
                        ch.queueDelete(queue);
                    }
                }
            }
        }
    }

    private static byte[] body(int i) {
        return ("01J0000000000000000000" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** (a): each message confirmed before the next, as one HTTP request storing one task waits. */
    private static double publishOneAtATime(Channel ch, String queue, int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body(i));
            ch.waitForConfirmsOrDie(5_000);
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** (b): batches of {@link #BATCH}, the confirms awaited per batch. */
    private static double publishBatched(Channel ch, String queue, int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body(i));
            if ((i + 1) % BATCH == 0) {
                ch.waitForConfirmsOrDie(30_000);
            }
        }
        ch.waitForConfirmsOrDie(30_000);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** (c): a consumer at prefetch {@link #PREFETCH}, acknowledging {@code multiple=true} every {@link #ACK_EVERY}. */
    private static double consume(Channel ch, String queue, int n) throws Exception {
        ch.basicQos(PREFETCH);
        var done = new CountDownLatch(1);
        long start = System.nanoTime();
        ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            private int seen;

            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws java.io.IOException {
                seen++;
                if (seen % ACK_EVERY == 0 || seen == n) {
                    ch.basicAck(envelope.getDeliveryTag(), true);
                }
                if (seen == n) {
                    done.countDown();
                }
            }
        });
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the queue did not drain");
        }
        double rate = n / ((System.nanoTime() - start) / 1e9);
        ch.close();
        return rate;
    }
}
