package dev.coda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A RabbitMQ node of the test's own keeps durable queues and persistent messages through a SIGKILL, and stops answering while frozen. */
class OwnRabbitTest {

    @Test
    void a_durable_queue_keeps_its_confirmed_persistent_message_through_a_crash_and_a_transient_queue_is_gone() throws Exception {
        try (var rabbit = OwnRabbit.start()) {
            System.out.printf("OwnRabbit: node %s started in %d ms%n", rabbit.node(), rabbit.startTime().toMillis());
            assertThat(rabbit.url("crash-test")).isEqualTo("amqp://guest:guest@127.0.0.1:" + rabbit.port() + "/%2F?prefix=crash-test");
            assertThat(rabbit.rabbitmqctl("eval", "node().")).as("rabbitmqctl reaches this node").contains(rabbit.node());
            assertThat(rabbit.rabbitmqctl("eval", "os:getpid().")).contains("\"" + rabbit.rootPid() + "\"");

            var factory = factory(rabbit);
            try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                channel.confirmSelect();
                channel.queueDeclare("durable-tasks", true, false, false, null);
                channel.queueDeclare("transient-tasks", false, false, false, null);
                channel.basicPublish("", "durable-tasks", MessageProperties.PERSISTENT_BASIC, "kept".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(10_000);
            }

            // a queue's record reaches the disk through Mnesia's log a moment after its declaration: a SIGKILL within
            // milliseconds can lose it (seen here); engines declare their queues at start-up, long before any crash
            rabbit.rabbitmqctl("eval", "mnesia:sync_log().");
            rabbit.crash();
            assertThat(rabbit.answers(Duration.ofMillis(500))).as("a crashed node").isFalse();
            rabbit.restart();
            System.out.printf("OwnRabbit: restarted in %d ms%n", rabbit.startTime().toMillis());

            try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                var message = channel.basicGet("durable-tasks", true);
                assertThat(message).as("the persistent message").isNotNull();
                assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("kept");
            }
            assertThat(rabbit.rabbitmqctl("list_queues", "name", "durable", "--quiet")).contains("durable-tasks").doesNotContain("transient-tasks");
        }
    }

    @Test
    void a_frozen_node_answers_no_protocol_header_until_it_is_thawed_and_close_removes_everything() throws Exception {
        var rabbit = OwnRabbit.start();
        long pid = rabbit.rootPid();
        var folder = rabbit.folder();
        try {
            assertThat(rabbit.answers(Duration.ofSeconds(5))).isTrue();
            rabbit.freeze();
            assertThat(rabbit.answers(Duration.ofMillis(500))).as("AMQP while frozen").isFalse();
            rabbit.thaw();
            assertThat(rabbit.answers(Duration.ofSeconds(5))).as("AMQP after thawing").isTrue();
            try (var connection = factory(rabbit).newConnection()) {
                assertThat(connection.isOpen()).isTrue();
            }
        } finally {
            rabbit.close();
        }
        assertThat(ProcessTree.exists(pid)).isFalse();
        assertThat(folder).doesNotExist();
    }

    private static ConnectionFactory factory(OwnRabbit rabbit) {
        var factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(rabbit.port());
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }
}
