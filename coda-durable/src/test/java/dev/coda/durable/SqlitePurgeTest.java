package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite has one writer, and an application's call waits for it 2 s at most: a purge of many rows runs as many short
 * transactions, and the calls that queued during one go before the next.
 */
class SqlitePurgeTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    @Test
    void otherCallsGetTheDatabaseBetweenAPurgesTransactions(@TempDir Path dir) throws Exception {
        int tasks = 60_000;
        try (var engine = TaskEngine.sqlite(dir.resolve("tasks.db")); var purger = Executors.newSingleThreadExecutor()) {
            for (int i = 0; i < tasks; i += 1_000) {
                var news = new ArrayList<NewTask>();
                for (int j = 0; j < 1_000; j++) {
                    news.add(new NewTask("Jobs.p", "[" + j + "]", "default", 0, null, null, 3));
                }
                engine.enqueue(news);
                engine.complete("w", engine.claim("w", List.of("default"), 1_000, LEASE).stream()
                        .<Completion>map(c -> new Completion.Succeeded(c.id(), null)).toList());
            }

            var purge = purger.submit(() -> engine.purge(Set.of(DurableState.SUCCEEDED), Instant.now().plus(LEASE)));

            EngineConformance.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30))
                    .until(() -> engine.counts().get("default").get(DurableState.SUCCEEDED) < tasks);
            assertThat(purge.isDone()).as("a call saw part of the purge committed while it went on").isFalse();
            assertThat(purge.get()).isEqualTo(tasks);
            assertThat(engine.counts().get("default")).containsEntry(DurableState.SUCCEEDED, 0L);
        }
    }
}
