package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskEngineException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker closes the engine's connection while a task runs (as on a network failure): the client recovers it, the
 * broker requeued the running task's message, the task's completion is still recorded, and the requeued message is
 * dropped rather than run again. Closes only this test's connection (found by its name) with {@code rabbitmqctl}.
 */
class ConnectionRecoveryTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Closes the connections whose name holds {@code prefix}; returns how many. */
    private static int closeConnections(String prefix) throws IOException, InterruptedException {
        int closed = 0;
        for (var line : RabbitFixture.rabbitmqctl("list_connections", "pid", "client_properties").split("\n")) {
            if (line.contains("coda-durable " + prefix)) {
                RabbitFixture.rabbitmqctl("close_connection", line.substring(0, line.indexOf('\t')), "test: a lost connection");
                closed++;
            }
        }
        return closed;
    }

    @Test
    void aLostConnectionRecoversAndTheRunningTaskIsNeitherLostNorRunTwice() throws Exception {
        RabbitFixture.rabbitmqctl("status"); // aborts without one: it closes the connection
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            var running = engine.enqueue(List.of(new NewTask("Jobs.x", "[1]", "default", 0, null, null, 3))).get(0);
            assertThat(engine.claim("w1", List.of("default"), 10, LONG)).extracting(ClaimedTask::id).containsExactly(running);

            assertThat(closeConnections(rabbit.prefix)).isEqualTo(1);

            var after = new ArrayList<String>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreException(TaskEngineException.class)
                    .until(() -> after.addAll(engine.enqueue(List.of(new NewTask("Jobs.x", "[2]", "default", 0, null, null, 3)))));

            engine.complete("w1", List.of(new Completion.Succeeded(running, "\"done\"")));
            assertThat(engine.status(running).orElseThrow().state()).isEqualTo(DurableState.SUCCEEDED);

            var claimed = engine.claim("w2", List.of("default"), 10, LONG);
            assertThat(claimed).as("the requeued message of the finished task is dropped").extracting(ClaimedTask::id)
                    .containsExactly(after.get(0));
            engine.complete("w2", List.of(new Completion.Succeeded(after.get(0), null)));
            assertThat(engine.status(after.get(0)).orElseThrow().state()).isEqualTo(DurableState.SUCCEEDED);
            assertThat(engine.claim("w2", List.of("default"), 10, LONG)).isEmpty();
            assertThat(engine.status(running).orElseThrow().attempts()).as("run once").isEqualTo(1);
        }
    }
}
