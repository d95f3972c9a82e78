package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.TaskStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task stored but never published (the process died between the two) is published by the sweeper once its dispatch
 * mark is older than the grace period, and then runs; a task whose message was confirmed is not published again.
 */
class SweeperTest {

    @TempDir
    Path dir;

    @Test
    void aTaskLeftWithoutAMessageIsPublishedAfterTheGracePeriod() throws Exception {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            var factory = new ConnectionFactory();
            factory.setUri(rabbit.broker);
            try (var connection = factory.newConnection()) {
                var store = TaskEngine.sqlite(dir.resolve("tasks.db"));
                try (store) {
                    var taskStore = store.capability(TaskStore.class).orElseThrow();
                    // as a process that crashed after storing: a row with its mark, no message
                    var orphan = taskStore.put(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 3))).get(0).id();
                    var sent = engine.enqueue(List.of(new NewTask("Jobs.y", "[]", "default", 0, null, null, 3))).get(0);
                    assertThat(engine.claim("w", List.of("default"), 10, Duration.ofSeconds(30)))
                            .extracting(TaskEngine.ClaimedTask::id).containsExactly(sent);

                    var topology = new Topology(connection, rabbit.prefix, Topology.QueueType.QUORUM);
                    var now = new Sweeper(taskStore, new Publisher(connection, topology, InstantSource.system()), InstantSource.system());
                    assertThat(now.sweep()).as("within the grace period: maybe a publish in progress").isZero();
                    var later = InstantSource.fixed(Instant.now().plus(Sweeper.GRACE).plusSeconds(1));
                    var sweeper = new Sweeper(taskStore, new Publisher(connection, topology, later), later);
                    assertThat(sweeper.sweep()).isEqualTo(1);
                    assertThat(sweeper.sweep()).as("published once").isZero();
                    now.close();
                    sweeper.close();

                    assertThat(engine.claim("w", List.of("default"), 10, Duration.ofSeconds(30)))
                            .extracting(TaskEngine.ClaimedTask::id).containsExactly(orphan);
                    assertThat(engine.status(orphan).orElseThrow().state()).isEqualTo(DurableState.RUNNING);
                }
            }
        }
    }

    @Test
    void oneSweepPublishesEveryTaskLeftWithoutAMessageBatchAfterBatch() throws Exception {
        try (var rabbit = new RabbitFixture(); var store = TaskEngine.sqlite(dir.resolve("tasks.db"))) {
            var factory = new ConnectionFactory();
            factory.setUri(rabbit.broker);
            try (var connection = factory.newConnection()) {
                var taskStore = store.capability(TaskStore.class).orElseThrow();
                int orphans = 2 * Sweeper.BATCH + 7; // as tasks accepted with confirm=background while the broker was down
                taskStore.put(IntStream.range(0, orphans)
                        .mapToObj(i -> new NewTask("Jobs.x", "[" + i + "]", "default", 0, null, null, 3)).toList());

                var later = InstantSource.fixed(Instant.now().plus(Sweeper.GRACE).plusSeconds(1));
                var topology = new Topology(connection, rabbit.prefix, Topology.QueueType.QUORUM);
                topology.declareBase(); // the exchanges, as an engine declares them when it opens
                var sweeper = new Sweeper(taskStore, new Publisher(connection, topology, later), later);
                assertThat(sweeper.sweep()).isEqualTo(orphans);
                assertThat(sweeper.sweep()).as("published once").isZero();
                sweeper.close();
                try (var channel = connection.createChannel()) {
                    Awaitility.await().atMost(Duration.ofSeconds(10))
                            .until(() -> channel.queueDeclarePassive(topology.taskQueue("default", 0)).getMessageCount() >= orphans);
                    assertThat(channel.queueDeclarePassive(topology.taskQueue("default", 0)).getMessageCount())
                            .as("a message each").isEqualTo(orphans);
                }
            }
        }
    }
}
