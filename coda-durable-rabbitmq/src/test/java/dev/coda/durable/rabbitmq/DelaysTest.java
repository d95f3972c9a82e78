package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.NewTask;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delays through the TTL queues: a task comes back after its time, by at most the smallest bucket and a poll. */
class DelaysTest {

    @TempDir
    Path dir;

    @Test
    void theBucketIsTheLargestNotLongerThanTheDelay() {
        assertThat(DelayBuckets.bucket(1)).isEqualTo(128);
        assertThat(DelayBuckets.bucket(255)).isEqualTo(128);
        assertThat(DelayBuckets.bucket(256)).isEqualTo(256);
        assertThat(DelayBuckets.bucket(3_600_000)).isEqualTo(2_097_152);
        assertThat(DelayBuckets.bucket(Long.MAX_VALUE)).isEqualTo(DelayBuckets.LARGEST);
        assertThat(DelayBuckets.all()).hasSize(21).startsWith(128L).endsWith(DelayBuckets.LARGEST);
    }

    @Test
    void aDelayedTaskArrivesAfterItsTimeAndSoonAfter() {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            var due = Instant.now().plusMillis(1500); // hops through the 1024, 256 and 128 ms buckets
            var id = engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, due, null, 3))).get(0);
            var got = new ArrayList<ClaimedTask>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> got.addAll(engine.claim("w", List.of("default"), 1, Duration.ofSeconds(30))));
            var arrived = Instant.now();
            assertThat(got).extracting(ClaimedTask::id).containsExactly(id);
            assertThat(arrived).isAfterOrEqualTo(due);
            long late = Duration.between(due, arrived).toMillis();
            System.out.println("a task delayed 1.5 s was claimed " + late + " ms after its time");
            assertThat(late).as("the smallest bucket, a hop and a poll").isLessThan(DelayBuckets.SMALLEST + 400);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
