package dev.coda.durable.rabbitmq;

import dev.coda.durable.CrashScenario;
import dev.coda.durable.TaskEngine;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes on RabbitMQ share the tasks; one is killed with SIGKILL while it runs some. The broker returns
 * the killed worker's unacknowledged messages at once; the other worker holds them until the killed worker's leases
 * end in the store, then runs them: every task succeeds, each orphan exactly once more ({@link CrashScenario}).
 */
class RabbitCrashTest {

    @TempDir
    Path dir;

    private RabbitFixture rabbit;

    @AfterEach
    void cleanUp() throws Exception {
        if (rabbit != null) {
            rabbit.close();
        }
    }

    @Test
    void aWorkerKilledMidTaskLosesNothing() throws Exception {
        rabbit = new RabbitFixture();
        var storeUrl = "jdbc:sqlite:" + dir.resolve("tasks.db");
        var url = rabbit.url() + "&store=" + URLEncoder.encode(storeUrl, StandardCharsets.UTF_8);
        try (var engine = TaskEngine.fromUrl(url)) {
            CrashScenario.run(engine, url, "RabbitMQ", dir);
        }
    }
}
