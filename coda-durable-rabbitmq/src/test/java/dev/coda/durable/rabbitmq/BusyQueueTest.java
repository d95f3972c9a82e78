package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.WorkerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A busy queue (a claim took {@link Claims#BUSY} or more messages) is consumed into a buffer instead of read one
 * {@code basic.get} at a time: every task is still claimed exactly once, and buffered messages (unacknowledged) go back
 * to the queue when their engine goes away or its worker deregisters.
 */
class BusyQueueTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void everyTaskOfABusyQueueIsClaimedOnce() throws Exception {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            var ids = Set.copyOf(engine.enqueue(tasks(100)));
            var claimed = new ArrayList<>(ids(engine.claim("w", List.of("default"), 40, LONG)));
            assertThat(claimed).hasSize(40); // by basic.get: the queue is busy, consumed from now on
            claimed.addAll(claimUntil(engine, "w", 60, LONG));

            assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
            engine.complete("w", claimed.stream().<Completion>map(id -> new Completion.Succeeded(id, null)).toList());
            assertThat(engine.counts().get("default").get(DurableState.SUCCEEDED)).isEqualTo(100);
            assertThat(engine.claim("w", List.of("default"), 10, LONG)).as("nothing left, no duplicate").isEmpty();
        }
    }

    @Test
    void bufferedMessagesGoBackToTheQueueWhenTheirEngineCloses() throws Exception {
        try (var rabbit = new RabbitFixture()) {
            Set<String> ids;
            List<String> first;
            try (var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
                ids = Set.copyOf(engine.enqueue(tasks(100)));
                first = ids(engine.claim("w1", List.of("default"), 40, Duration.ofSeconds(1)));
                assertThat(first).hasSize(40);
            } // w1's 40 running and the consumer's buffered messages are unacknowledged: the broker requeues them
            try (var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
                var claimed = claimUntil(engine, "w2", 100, LONG); // w1's 40 once their 1 s leases end
                assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
            }
        }
    }

    @Test
    void aDeregisteredWorkersBufferedMessagesGoBackAtOnce() throws Exception {
        try (var rabbit = new RabbitFixture();
                var one = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")));
                var other = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            var ids = new HashSet<>(one.enqueue(tasks(100)));
            var first = ids(one.claim("w1", List.of("default"), 40, LONG));
            assertThat(first).hasSize(40); // the queue is busy: one's consumer buffers the rest
            one.deregister("w1"); // w1 stops; its engine stays open (a web process, say)

            ids.removeAll(first);
            assertThat(claimUntil(other, "w2", 60, LONG)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void aConsumersPrefetchIsTheConcurrencyOfTheRegisteredWorkerElseTheClaimsSize() throws Exception {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            Assumptions.assumeTrue(unacknowledged(rabbit.prefix) != null, "rabbitmqctl is not available to list queues");
            engine.register(new WorkerInfo("w", "host", 1, null, null, List.of("default"), 50));
            engine.enqueue(tasks(100));
            engine.enqueue(tasks(100).stream().map(t -> new NewTask(t.name(), t.argumentsJson(), "mail", 0, null, null, 3)).toList());

            assertThat(engine.claim("w", List.of("default"), 40, LONG)).hasSize(40); // busy: consumed from now on
            assertThat(engine.claim("unregistered", List.of("mail"), 36, LONG)).hasSize(36);

            // unacknowledged: the claimed ones (basic.get) and what the broker delivered to the consumer, up to its prefetch
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> unacknowledged(rabbit.prefix),
                    counts -> counts.equals(Map.of(rabbit.prefix + ".queue.default", 40 + 50, rabbit.prefix + ".queue.mail", 36 + 36)));
        }
    }

    /** The unacknowledged messages of the task queues (level 0) under {@code prefix} that have any; {@code null} without rabbitmqctl. */
    private static Map<String, Integer> unacknowledged(String prefix) throws IOException, InterruptedException {
        var listed = Files.createTempFile("rabbitmqctl", ".txt");
        try {
            return unacknowledged(prefix, listed);
        } finally {
            Files.deleteIfExists(listed);
        }
    }

    private static Map<String, Integer> unacknowledged(String prefix, Path listed) throws IOException, InterruptedException {
        try {
            var process = new ProcessBuilder("rabbitmqctl", "-q", "-t", "30", "list_queues", "name", "messages_unacknowledged")
                    .redirectOutput(listed.toFile()).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("rabbitmqctl list_queues did not answer within 60 s");
            }
        } catch (IOException e) {
            return null; // not installed
        }
        var counts = new HashMap<String, Integer>();
        for (var line : Files.readAllLines(listed)) {
            var columns = line.split("\t");
            if (columns[0].startsWith(prefix + ".queue.") && columns.length == 2 && !columns[1].strip().equals("0")) {
                counts.put(columns[0], Integer.parseInt(columns[1].strip()));
            }
        }
        return counts;
    }

    private static List<NewTask> tasks(int n) {
        return IntStream.range(0, n).mapToObj(i -> new NewTask("Jobs.b", "[" + i + "]", "default", 0, null, null, 3)).toList();
    }

    private static List<String> ids(List<ClaimedTask> tasks) {
        return tasks.stream().map(ClaimedTask::id).toList();
    }

    /** Claims ten at a time for {@code worker}, waiting for work between claims, until {@code n} tasks are claimed (20 s at most). */
    private static List<String> claimUntil(TaskEngine engine, String worker, int n, Duration lease) throws InterruptedException {
        var out = new ArrayList<String>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            var got = ids(engine.claim(worker, List.of("default"), 10, lease));
            out.addAll(got);
            if (got.isEmpty()) {
                engine.awaitWork(Duration.ofMillis(200));
            }
        }
        return out;
    }
}
