package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.WorkerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A busy queue (a claim took {@link Claims#BUSY} messages, or all it asked for) is consumed into a buffer instead of read one
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
    void aClaimFilledFromTheQueueStartsAConsumerWhosePrefetchIsTheWorkersAppetite() throws Exception {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            engine.enqueue(tasks(100));
            var first = ids(engine.claim("w", List.of("default"), 8, LONG));
            assertThat(first).hasSize(8);
            // a full claim found a backlog: a consumer is started, and pushed 8 (the claim's size) and no more
            await().atMost(LONG).until(() -> ready(rabbit, "default") <= 84);
            assertThat(ready(rabbit, "default")).as("ready messages left").isEqualTo(84);

            var next = ids(engine.claim("w", List.of("default"), 8, LONG));
            assertThat(next).as("served from the pushed 8").hasSize(8).doesNotContainAnyElementsOf(first);
        }
    }

    @Test
    void aConsumersPrefetchIsTheConcurrencyOfTheRegisteredWorkerElseTheClaimsSize() throws Exception {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            engine.register(new WorkerInfo("w", "host", 1, null, null, List.of("default"), 50));
            engine.enqueue(tasks(100));
            engine.enqueue(tasks(100).stream().map(t -> new NewTask(t.name(), t.argumentsJson(), "mail", 0, null, null, 3)).toList());

            // claims that basic.get fills (BUSY at most, so that each took exactly its size) find the queues busy
            assertThat(engine.claim("w", List.of("default"), Claims.BUSY, LONG)).hasSize(Claims.BUSY);
            assertThat(engine.claim("unregistered", List.of("mail"), 5, LONG)).hasSize(5);

            // ready: what neither the claims took nor the broker pushed to the consumers, up to their prefetch
            int defaultLeft = 100 - Claims.BUSY - 50; // the registered worker's concurrency
            int mailLeft = 100 - 5 - 5;               // the claim's size
            await().atMost(LONG).until(() -> ready(rabbit, "default") <= defaultLeft && ready(rabbit, "mail") <= mailLeft);
            assertThat(List.of(ready(rabbit, "default"), ready(rabbit, "mail"))).as("ready messages left")
                    .containsExactly(defaultLeft, mailLeft);
        }
    }

    /** The ready messages of the level-0 broker queue of {@code queue}, as the broker counts them. */
    private static int ready(RabbitFixture rabbit, String queue) throws Exception {
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setUri(rabbit.broker);
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            var name = new Topology(connection, rabbit.prefix, Topology.QueueType.QUORUM).taskQueue(queue, 0);
            return channel.queueDeclarePassive(name).getMessageCount();
        }
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
