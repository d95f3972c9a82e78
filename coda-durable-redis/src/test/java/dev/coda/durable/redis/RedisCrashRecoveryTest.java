package dev.coda.durable.redis;

import dev.coda.durable.CrashScenario;
import dev.coda.durable.TaskEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes (coda-durable's {@code WorkerMain}, opening the engine by its redis:// URL) share the tasks; one
 * is killed with SIGKILL while it holds some. Every task must still succeed, the killed worker's tasks being run again
 * by the other once their lease deadline has passed ({@link CrashScenario}).
 */
class RedisCrashRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidTaskLosesNothing() throws Exception {
        var store = RedisStore.fresh();
        try (TaskEngine engine = TaskEngine.fromUrl(store.url())) {
            CrashScenario.run(engine, store.url(), "Redis", dir);
        } finally {
            store.drop();
        }
    }
}
