package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.coda.durable.TaskEngine;
import dev.coda.testsupport.TestRabbit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A test's own corner of the broker: a prefix {@code coda-test-<random>} for its queues and exchanges, each deleted by
 * {@link #close()} (only those names: other queues are never touched).
 *
 * <pre>{@code
 * var rabbit = new RabbitFixture();
 * var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")));
 * ... rabbit.close();
 * }</pre>
 */
final class RabbitFixture implements AutoCloseable {

    /**
     * Every task queue the tests use; their broker queues are deleted after. A queue left behind keeps file handles on
     * the shared broker: some hundreds of them stopped it accepting connections.
     */
    static final List<String> QUEUES = List.of("default", "reports", "mail", "bulk", "keyed", "elsewhere");

    final String broker = TestRabbit.url();
    final String prefix = "coda-test-" + UUID.randomUUID().toString().substring(0, 8);

    /** The engine URL: the broker with this fixture's prefix. */
    String url() {
        return broker + "?prefix=" + prefix;
    }

    /** An engine under this fixture's prefix, on {@code store}. */
    TaskEngine open(TaskEngine store) {
        return RabbitTaskEngine.open(url(), store);
    }

    /**
     * Runs the machine's {@code rabbitmqctl} (the broker must be the local node); aborts the test when there is none.
     */
    static String rabbitmqctl(String... arguments) throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("rabbitmqctl is not available: " + e.getMessage());
            throw e;
        }
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** Deletes this fixture's queues (of {@link #QUEUES} at every priority level, every delay bucket, the failed queue) and exchanges. */
    @Override
    public void close() throws Exception {
        var factory = new ConnectionFactory();
        factory.setUri(broker);
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            var names = new Topology(connection, prefix, Topology.QueueType.QUORUM);
            for (var queue : QUEUES) {
                for (var name : names.allTaskQueues(queue)) {
                    channel.queueDelete(name);
                }
            }
            for (var bucket : DelayBuckets.all()) {
                channel.queueDelete(names.delayQueue(bucket));
            }
            channel.queueDelete(names.failedQueue());
            channel.exchangeDelete(names.workExchange());
            channel.exchangeDelete(names.delayExchange());
        }
    }
}
