package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.TaskAdmin;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.DurationHistogram;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.TaskSummary;
import dev.coda.durable.spi.TransactionalStore;
import dev.coda.durable.spi.WorkerInfo;
import dev.coda.tasks.TaskCall;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every task engine must do, whatever stores its tasks (a JDBC database, Redis Streams, RabbitMQ): ordering,
 * leases and recovery, retries, unique keys, delays, priorities, timeouts, poison messages, unknown names, search and
 * paging (with text in errors and arguments), the administrator's actions (retry, delete, bulk actions with a dry run),
 * counts, purge, the registry of workers, the stats roll-up, and the transactional capability where the engine has it. An engine
 * passes it by extending this class with a fresh store per test; it ships in coda-durable's test-jar.
 *
 * <pre>{@code
 * class RedisConformanceTest extends EngineConformance {
 *     protected TaskEngine newEngine() { return RedisTaskEngine.on(redis, "coda-test-" + UUID.randomUUID()); }
 *     protected TaskEngine anotherEngine() { return RedisTaskEngine.on(redis, prefix); }
 *     protected void dropStore() { redis.del(prefix + "*"); }
 * }
 * }</pre>
 *
 * Times come from the engine (a database's clock), which tests cannot move: delays are an hour away or an hour
 * past, and only leases are short (a few hundred milliseconds, awaited, never slept on).
 */
public abstract class EngineConformance {

    /** A long lease: not to expire during a test. */
    protected static final Duration LONG = Duration.ofSeconds(30);

    /** The engine under test, on a fresh store. */
    protected TaskEngine engine;
    private final List<TaskEngine> opened = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    /** A key unique to this test, for {@link Jobs}' records. */
    protected final String key = UUID.randomUUID().toString();

    /** An engine on a fresh, empty store (a new database file, schema, key prefix...). */
    protected abstract TaskEngine newEngine();

    /** Another engine on the store of the last {@link #newEngine()}, as another process would open it. */
    protected abstract TaskEngine anotherEngine();

    /** Deletes the store, after the engines were closed. */
    protected abstract void dropStore() throws Exception;

    @BeforeEach
    final void openEngine() {
        engine = newEngine();
        opened.add(engine);
    }

    @AfterEach
    final void closeEngines() throws Exception {
        workers.forEach(worker -> worker.stop(Duration.ofSeconds(5)));
        opened.forEach(TaskEngine::close);
        dropStore();
    }

    /** {@link #anotherEngine()}, closed after the test. */
    private TaskEngine second() {
        var other = anotherEngine();
        opened.add(other);
        return other;
    }

    protected static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO);
    }

    protected static NewTask task(String name, String args) {
        return new NewTask(name, args, "default", 0, null, null, 3);
    }

    private static NewTask in(String queue, String name) {
        return new NewTask(name, "[]", queue, 0, null, null, 3);
    }

    private List<ClaimedTask> claim(String worker, int max, Duration lease) {
        return engine.claim(worker, List.of("default"), max, lease);
    }

    private Worker start(Worker.Builder builder) {
        var worker = builder.pollInterval(Duration.ofMillis(50)).start();
        workers.add(worker);
        return worker;
    }

    /** Claims the one ready task as worker "dead" with a short lease, then awaits its recovery by worker "alive". */
    private ClaimedTask reclaimedFromADeadWorker(Duration lease) {
        claim("dead", 1, lease);
        var reclaimed = new ArrayList<ClaimedTask>();
        await().until(() -> reclaimed.addAll(claim("alive", 1, LONG)));
        return reclaimed.get(0);
    }

    private TaskStatus awaitState(String id, DurableState state) {
        await().until(() -> engine.status(id).orElseThrow().state() == state);
        return engine.status(id).orElseThrow();
    }

    // ---------------------------------------------------------------- storing, claiming, completing

    @Test
    void enqueueClaimComplete() {
        var ids = engine.enqueue(List.of(task("Jobs.a", "[1]"), task("Jobs.b", "[2]"), task("Jobs.c", "[3]")));
        assertThat(ids).hasSize(3).doesNotHaveDuplicates();
        assertThat(engine.status(ids.get(0)).orElseThrow().state()).isEqualTo(DurableState.QUEUED);

        var claimed = claim("w1", 10, LONG);
        assertThat(claimed).extracting(ClaimedTask::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(claimed).allSatisfy(c -> {
            assertThat(c.attempt()).isEqualTo(1);
            assertThat(c.maxAttempts()).isEqualTo(3);
            assertThat(c.recovered()).isFalse();
            assertThat(c.exhausted()).isFalse();
        });
        var first = claimed.stream().filter(c -> c.id().equals(ids.get(0))).findFirst().orElseThrow();
        assertThat(first.name()).isEqualTo("Jobs.a");
        assertThat(first.argumentsJson()).isEqualTo("[1]");
        assertThat(first.queue()).isEqualTo("default");
        assertThat(engine.status(ids.get(0)).orElseThrow().state()).isEqualTo(DurableState.RUNNING);
        assertThat(claim("w2", 10, LONG)).as("nothing left to claim").isEmpty();

        var completions = new ArrayList<Completion>();
        for (var c : claimed) {
            completions.add(new Completion.Succeeded(c.id(), "{\"n\":" + c.argumentsJson() + "}"));
        }
        engine.complete("w1", completions);

        var status = engine.status(ids.get(0)).orElseThrow();
        assertThat(status.state()).isEqualTo(DurableState.SUCCEEDED);
        assertThat(status.result()).isEqualTo("{\"n\":[1]}");
        assertThat(status.attempts()).isEqualTo(1);
        assertThat(status.name()).isEqualTo("Jobs.a");
        assertThat(status.arguments()).isEqualTo("[1]");
        assertThat(status.createdAt()).isNotNull();
        assertThat(status.startedAt()).isNotNull().isAfterOrEqualTo(status.createdAt());
        assertThat(status.finishedAt()).isNotNull().isAfterOrEqualTo(status.startedAt());
        assertThat(status.lastError()).isNull();
        assertThat(claim("w1", 10, LONG)).isEmpty();
    }

    @Test
    void oneBatchOfSuccessesWithAndWithoutResultsRecordsEachAndOnlyForTheLeaseHolder() {
        var ids = engine.enqueue(List.of(task("Jobs.a", "[1]"), task("Jobs.b", "[2]"), task("Jobs.c", "[3]"), task("Jobs.d", "[4]")));
        claim("w1", 2, LONG);
        claim("w2", 2, LONG);
        var all = new ArrayList<Completion>();
        for (int i = 0; i < ids.size(); i++) {
            all.add(new Completion.Succeeded(ids.get(i), i % 2 == 0 ? null : "\"result " + i + "\""));
        }
        engine.complete("w1", all);

        var heldByW1 = new ArrayList<String>();
        for (int i = 0; i < ids.size(); i++) {
            var status = engine.status(ids.get(i)).orElseThrow();
            if (status.state() == DurableState.SUCCEEDED) {
                heldByW1.add(ids.get(i));
                assertThat(status.result()).isEqualTo(i % 2 == 0 ? null : "\"result " + i + "\"");
                assertThat(status.finishedAt()).isNotNull();
            } else {
                assertThat(status.state()).as("held by w2: w1's completion is ignored").isEqualTo(DurableState.RUNNING);
                assertThat(status.result()).isNull();
            }
        }
        assertThat(heldByW1).hasSize(2);
    }

    @Test
    void higherPriorityFirstThenOldestFirst() {
        var low = engine.enqueue(List.of(new NewTask("Jobs.p", "[0]", "default", 0, null, null, 3))).get(0);
        var high = engine.enqueue(List.of(new NewTask("Jobs.p", "[5]", "default", 5, null, null, 3))).get(0);
        var mid1 = engine.enqueue(List.of(new NewTask("Jobs.p", "[1]", "default", 1, null, null, 3))).get(0);
        var mid2 = engine.enqueue(List.of(new NewTask("Jobs.p", "[1]", "default", 1, null, null, 3))).get(0);
        var order = new ArrayList<String>();
        for (int i = 0; i < 4; i++) {
            order.add(claim("w1", 1, LONG).get(0).id());
        }
        assertThat(order).containsExactly(high, mid1, mid2, low);
    }

    @Test
    void queuesAreSeparate() {
        var report = engine.enqueue(List.of(new NewTask("Jobs.r", "[]", "reports", 0, null, null, 3))).get(0);
        assertThat(claim("w1", 10, LONG)).isEmpty();
        assertThat(engine.claim("w1", List.of("default", "reports"), 10, LONG)).extracting(ClaimedTask::id).containsExactly(report);
    }

    @Test
    void uniqueKeyReturnsTheLiveTaskUntilItFinishes() {
        var keyed = new NewTask("Jobs.u", "[1]", "default", 0, null, "report:7", 3);
        var first = engine.enqueue(List.of(keyed)).get(0);
        assertThat(engine.enqueue(List.of(keyed))).containsExactly(first);
        assertThat(engine.enqueue(List.of(keyed, task("Jobs.other", "[]"), keyed)))
                .satisfies(ids -> {
                    assertThat(ids.get(0)).isEqualTo(first);
                    assertThat(ids.get(1)).isNotEqualTo(first);
                    assertThat(ids.get(2)).isEqualTo(first);
                });
        // still live while running
        var claimed = engine.claim("w1", List.of("default"), 10, LONG);
        assertThat(claimed).extracting(ClaimedTask::id).contains(first);
        assertThat(engine.enqueue(List.of(keyed))).containsExactly(first);
        engine.complete("w1", List.of(new Completion.Succeeded(first, null)));

        var second = engine.enqueue(List.of(keyed)).get(0);
        assertThat(second).as("a finished task no longer holds its key").isNotEqualTo(first);
        assertThat(engine.status(second).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
        // the key is free again after a failure too, and a failed task cannot be retried while another holds the key
        engine.cancel(second);
        var third = engine.enqueue(List.of(keyed)).get(0);
        assertThat(third).isNotIn(first, second);
        assertThat(engine.retry(second)).as("retry while another live task holds the key").isFalse();
        assertThat(engine.status(second).orElseThrow().state()).isEqualTo(DurableState.CANCELLED);
    }

    @Test
    void leaseExpiryMakesATaskClaimableAgainAndTheDeadWorkerCannotCompleteIt() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        assertThat(claim("dead", 1, Duration.ofMillis(300))).hasSize(1);
        assertThat(claim("alive", 1, LONG)).as("the lease is alive").isEmpty();

        var reclaimed = new ArrayList<ClaimedTask>();
        await().until(() -> reclaimed.addAll(claim("alive", 1, LONG)));
        var task = reclaimed.get(0);
        assertThat(task.id()).isEqualTo(id);
        assertThat(task.recovered()).isTrue();
        assertThat(task.lostBy()).isEqualTo("dead");
        assertThat(task.attempt()).isEqualTo(2);
        assertThat(task.exhausted()).isFalse();

        // the dead worker comes back and tries to record its outcome: ignored
        engine.complete("dead", List.of(new Completion.Succeeded(id, "\"from the dead\"")));
        assertThat(engine.extend("dead", List.of(id), LONG)).isEmpty();
        engine.release("dead", List.of(id));
        assertThat(engine.status(id).orElseThrow().state()).isEqualTo(DurableState.RUNNING);

        engine.complete("alive", List.of(new Completion.Succeeded(id, "\"from the living\"")));
        var status = engine.status(id).orElseThrow();
        assertThat(status.state()).isEqualTo(DurableState.SUCCEEDED);
        assertThat(status.result()).isEqualTo("\"from the living\"");
        assertThat(status.attempts()).isEqualTo(2);
    }

    @Test
    void extendingTheLeaseKeepsTheTask() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        claim("w1", 1, Duration.ofMillis(300));
        assertThat(engine.extend("w1", List.of(id, "not-held"), Duration.ofSeconds(5))).containsExactly(id);
        assertThat(engine.extend("w2", List.of(id), Duration.ofSeconds(5))).as("another worker cannot extend it").isEmpty();
        // well past the original lease, nobody else can claim it
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> claim("w2", 1, LONG).isEmpty());
    }

    @Test
    void aTaskLostDuringItsLastAttemptIsHandedOutExhausted() {
        var id = engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 1))).get(0);
        var task = reclaimedFromADeadWorker(Duration.ofMillis(200));
        assertThat(task.id()).isEqualTo(id);
        assertThat(task.exhausted()).isTrue();
        assertThat(task.attempt()).isEqualTo(2);
        assertThat(task.lostBy()).isEqualTo("dead");
        assertThat(engine.status(id).orElseThrow().attempts()).as("it was started once").isEqualTo(1);
    }

    // ---------------------------------------------------------------- attempt history

    @Test
    void theHistoryListsEachAttemptWithItsWorkerTimesOutcomeAndErrorAndAnAdministratorsRetryKeepsIt() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        assertThat(engine.status(id).orElseThrow()).satisfies(s -> {
            assertThat(s.history()).as("never run").isEmpty();
            assertThat(s.worker()).isNull();
        });
        claim("w1", 1, LONG);
        engine.complete("w1", List.of(new Completion.Retry(id, "java.lang.IllegalStateException: first\n\tat X.y(X.java:1)",
                Instant.now().minus(Duration.ofHours(1)))));
        claim("w2", 1, LONG);

        var running = engine.status(id).orElseThrow();
        assertThat(running.worker()).isEqualTo("w2");
        assertThat(running.history()).extracting(TaskAttempt::number, TaskAttempt::worker, TaskAttempt::outcome)
                .containsExactly(tuple(1, "w1", TaskAttempt.Outcome.RETRIED), tuple(2, "w2", TaskAttempt.Outcome.RUNNING));
        var first = running.history().get(0);
        assertThat(first.error()).startsWith("java.lang.IllegalStateException: first").contains("\tat X.y(X.java:1)");
        assertThat(first.startedAt()).isNotNull();
        assertThat(first.finishedAt()).isAfterOrEqualTo(first.startedAt());
        assertThat(running.history().get(1).finishedAt()).as("still running").isNull();
        assertThat(running.history().get(1).startedAt()).isAfterOrEqualTo(first.finishedAt());

        engine.complete("w2", List.of(new Completion.Failed(id, "java.lang.IllegalStateException: second")));
        var failed = engine.status(id).orElseThrow();
        assertThat(failed.history()).extracting(TaskAttempt::number, TaskAttempt::worker, TaskAttempt::outcome, TaskAttempt::error)
                .containsExactly(tuple(1, "w1", TaskAttempt.Outcome.RETRIED, first.error()),
                        tuple(2, "w2", TaskAttempt.Outcome.FAILED, "java.lang.IllegalStateException: second"));
        assertThat(failed.history().get(1).finishedAt()).isNotNull();

        assertThat(engine.retry(id)).isTrue();
        assertThat(engine.status(id).orElseThrow().history()).as("an administrator's retry keeps the history")
                .extracting(TaskAttempt::number, TaskAttempt::outcome)
                .containsExactly(tuple(1, TaskAttempt.Outcome.RETRIED), tuple(2, TaskAttempt.Outcome.FAILED));
        claim("w3", 1, LONG);
        engine.complete("w3", List.of(new Completion.Succeeded(id, null)));
        var succeeded = engine.status(id).orElseThrow();
        assertThat(succeeded.worker()).isEqualTo("w3");
        assertThat(succeeded.history()).extracting(TaskAttempt::number, TaskAttempt::worker, TaskAttempt::outcome)
                .containsExactly(tuple(1, "w1", TaskAttempt.Outcome.RETRIED), tuple(2, "w2", TaskAttempt.Outcome.FAILED),
                        tuple(1, "w3", TaskAttempt.Outcome.SUCCEEDED));
        assertThat(succeeded.history().get(2).error()).isNull();
    }

    @Test
    void anAttemptWhoseLeaseExpiredEndsLostWithTheWorkerThatLostIt() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        reclaimedFromADeadWorker(Duration.ofMillis(300));

        var status = engine.status(id).orElseThrow();
        assertThat(status.worker()).isEqualTo("alive");
        assertThat(status.history()).extracting(TaskAttempt::number, TaskAttempt::worker, TaskAttempt::outcome)
                .containsExactly(tuple(1, "dead", TaskAttempt.Outcome.LOST), tuple(2, "alive", TaskAttempt.Outcome.RUNNING));
        assertThat(status.history().get(0).finishedAt()).isNotNull();

        engine.complete("alive", List.of(new Completion.Succeeded(id, null)));
        assertThat(engine.status(id).orElseThrow().history()).extracting(TaskAttempt::outcome)
                .containsExactly(TaskAttempt.Outcome.LOST, TaskAttempt.Outcome.SUCCEEDED);
    }

    @Test
    void aTaskLostDuringItsLastAttemptShowsThatAttemptLostAndNoOther() {
        var id = engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 1))).get(0);
        reclaimedFromADeadWorker(Duration.ofMillis(200));
        engine.complete("alive", List.of(new Completion.Failed(id, "worker lost: the lease of worker dead expired")));

        var status = engine.status(id).orElseThrow();
        assertThat(status.state()).isEqualTo(DurableState.FAILED);
        assertThat(status.history()).extracting(TaskAttempt::number, TaskAttempt::worker, TaskAttempt::outcome)
                .containsExactly(tuple(1, "dead", TaskAttempt.Outcome.LOST));
        assertThat(status.worker()).as("the worker that ran it").isEqualTo("dead");
    }

    @Test
    void aReleasedAttemptIsNotInTheHistoryAndEachErrorIsCutToItsBound() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        claim("w1", 1, LONG);
        engine.release("w1", List.of(id));
        assertThat(engine.status(id).orElseThrow().history()).as("a released attempt does not count").isEmpty();

        claim("w2", 1, LONG);
        var longError = "java.lang.IllegalStateException: " + "x".repeat(3 * TaskAttempt.MAX_ERROR_CHARS);
        engine.complete("w2", List.of(new Completion.Retry(id, longError, Instant.now().plus(Duration.ofHours(1)))));
        var status = engine.status(id).orElseThrow();
        assertThat(status.lastError()).as("the task keeps the whole error").isEqualTo(longError);
        assertThat(status.history()).singleElement().satisfies(attempt -> {
            assertThat(attempt.worker()).isEqualTo("w2");
            assertThat(attempt.error()).hasSize(TaskAttempt.MAX_ERROR_CHARS).isEqualTo(longError.substring(0, TaskAttempt.MAX_ERROR_CHARS));
        });
    }

    @Test
    void releaseGivesATaskBackWithoutCountingTheAttempt() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        claim("w1", 1, LONG);
        engine.release("w1", List.of(id));
        var status = engine.status(id).orElseThrow();
        assertThat(status.state()).isEqualTo(DurableState.QUEUED);
        assertThat(status.attempts()).isZero();
        assertThat(claim("w2", 1, LONG)).singleElement().satisfies(c -> assertThat(c.attempt()).isEqualTo(1));
    }

    @Test
    void concurrentClaimersNeverGetTheSameTask() throws Exception {
        int n = 400;
        var tasks = new ArrayList<NewTask>();
        for (int i = 0; i < n; i++) {
            tasks.add(task("Jobs.x", "[" + i + "]"));
        }
        engine.enqueue(tasks);
        var second = second(); // another engine on the same store, like another process
        Map<String, String> owners = new ConcurrentHashMap<>();
        var duplicates = new AtomicInteger();
        var rounds = new Phaser(4);
        try (var pool = Executors.newFixedThreadPool(4)) {
            var futures = new ArrayList<Future<?>>();
            for (int w = 0; w < 4; w++) {
                var worker = "w" + w;
                var on = w % 2 == 0 ? engine : second;
                futures.add(pool.submit(() -> {
                    try {
                        while (true) {
                            rounds.arriveAndAwaitAdvance(); // every claimer claims in every round, whatever the scheduling
                            var claimed = on.claim(worker, List.of("default"), 7, LONG);
                            for (var c : claimed) {
                                if (owners.putIfAbsent(c.id(), worker) != null) {
                                    duplicates.incrementAndGet();
                                }
                            }
                            on.complete(worker, claimed.stream().map(c -> (Completion) new Completion.Succeeded(c.id(), null)).toList());
                            if (claimed.isEmpty()) {
                                return null;
                            }
                        }
                    } finally {
                        rounds.arriveAndDeregister();
                    }
                }));
            }
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(duplicates.get()).isZero();
        assertThat(owners).hasSize(n);
        assertThat(new HashSet<>(owners.values())).as("each claimed some in the first round").hasSize(4);
        assertThat(engine.counts().get("default")).containsEntry(DurableState.SUCCEEDED, (long) n);
    }

    @Test
    void aTasksOwnTimeoutIsStoredAndHandedOutWithEveryClaim() {
        var timed = engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 3, null,
                Duration.ofMillis(1500)))).get(0);
        var untimed = engine.enqueue(List.of(task("Jobs.y", "[]"))).get(0);
        assertThat(engine.status(timed).orElseThrow().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(engine.status(untimed).orElseThrow().timeout()).isNull();

        assertThat(claim("dead", 10, Duration.ofMillis(200)))
                .extracting(ClaimedTask::id, ClaimedTask::timeout)
                .containsExactlyInAnyOrder(tuple(timed, Duration.ofMillis(1500)), tuple(untimed, null));
        var recovered = new ArrayList<ClaimedTask>();
        await().until(() -> recovered.addAll(claim("alive", 10, LONG)) && recovered.size() == 2);
        assertThat(recovered).allSatisfy(c -> assertThat(c.recovered()).isTrue())
                .extracting(ClaimedTask::id, ClaimedTask::timeout)
                .containsExactlyInAnyOrder(tuple(timed, Duration.ofMillis(1500)), tuple(untimed, null));
    }

    @Test
    void aTasksContextIsStoredAndHandedOutWithItsStatusAndEveryClaim() {
        var context = Map.of(TaskContext.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TaskContext.ROUTE, "POST /files", TaskContext.REQUEST_ID, "req \"1\" é");
        var ids = engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 3, null, null, context),
                task("Jobs.y", "[]")));
        var traced = ids.get(0);
        var plain = ids.get(1);
        assertThat(engine.status(traced).orElseThrow().context()).isEqualTo(context);
        assertThat(engine.status(plain).orElseThrow().context()).isEmpty();

        assertThat(claim("dead", 10, Duration.ofMillis(200)))
                .extracting(ClaimedTask::id, ClaimedTask::context)
                .containsExactlyInAnyOrder(tuple(traced, context), tuple(plain, Map.of()));
        var recovered = new ArrayList<ClaimedTask>();
        await().until(() -> recovered.addAll(claim("alive", 10, LONG)) && recovered.size() == 2);
        assertThat(recovered).extracting(ClaimedTask::id, ClaimedTask::context)
                .containsExactlyInAnyOrder(tuple(traced, context), tuple(plain, Map.of()));
    }


    // ---------------------------------------------------------------- delays and retries

    @Test
    void aTaskDueInTheFutureIsScheduledAndNotClaimedOneDueInThePastIsClaimedAtOnce() {
        var runAt = Instant.now().plus(Duration.ofHours(1));
        var later = engine.enqueue(List.of(new NewTask("Jobs.later", "[]", "default", 0, runAt, null, 3))).get(0);
        var overdue = engine.enqueue(List.of(new NewTask("Jobs.overdue", "[]", "default", 0, Instant.now().minus(Duration.ofHours(1)),
                null, 3))).get(0);
        var status = engine.status(later).orElseThrow();
        assertThat(status.state()).isEqualTo(DurableState.SCHEDULED);
        assertThat(status.runAt()).as("kept to the millisecond").isCloseTo(runAt, org.assertj.core.api.Assertions.within(1,
                java.time.temporal.ChronoUnit.MILLIS));
        assertThat(engine.status(overdue).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
        assertThat(claim("w1", 10, LONG)).extracting(ClaimedTask::id).containsExactly(overdue);
        assertThat(claim("w1", 10, LONG)).isEmpty();
    }

    @Test
    void aRetryWaitsForItsTimeThenAFailureEndsInTheFailedSetWhichRetryAndCancelLeave() {
        var ids = engine.enqueue(List.of(task("Jobs.x", "[1]"), task("Jobs.x", "[2]")));
        claim("w1", 2, LONG);
        engine.complete("w1", List.of(
                new Completion.Retry(ids.get(0), "java.lang.IllegalStateException: first\n\tat X.y(X.java:1)", Instant.now().plus(Duration.ofHours(1))),
                new Completion.Retry(ids.get(1), "java.lang.IllegalStateException: first", Instant.now().minus(Duration.ofHours(1)))));
        var waiting = engine.status(ids.get(0)).orElseThrow();
        assertThat(waiting.state()).isEqualTo(DurableState.SCHEDULED);
        assertThat(waiting.lastError()).startsWith("java.lang.IllegalStateException: first").contains("\tat X.y");
        assertThat(waiting.attempts()).isEqualTo(1);

        var again = claim("w1", 10, LONG);
        assertThat(again).as("only the retry that is due").extracting(ClaimedTask::id, ClaimedTask::attempt).containsExactly(tuple(ids.get(1), 2));
        var id = ids.get(1);
        engine.complete("w1", List.of(new Completion.Failed(id, "java.lang.IllegalStateException: second")));
        var failed = engine.status(id).orElseThrow();
        assertThat(failed.state()).isEqualTo(DurableState.FAILED);
        assertThat(failed.lastError()).isEqualTo("java.lang.IllegalStateException: second");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(engine.cancel(id)).as("a failed task is not cancellable").isFalse();

        assertThat(engine.retry(id)).isTrue();
        var requeued = engine.status(id).orElseThrow();
        assertThat(requeued.state()).isEqualTo(DurableState.QUEUED);
        assertThat(requeued.attempts()).isZero();
        assertThat(requeued.finishedAt()).isNull();
        assertThat(engine.retry(id)).as("only failed or cancelled tasks").isFalse();

        assertThat(engine.cancel(id)).isTrue();
        assertThat(engine.status(id).orElseThrow().state()).isEqualTo(DurableState.CANCELLED);
        assertThat(claim("w1", 1, LONG)).isEmpty();
        assertThat(engine.retry(id)).isTrue();
        assertThat(claim("w1", 1, LONG)).singleElement().satisfies(c -> assertThat(c.attempt()).isEqualTo(1));
        assertThat(engine.cancel(id)).as("a running task is not cancellable").isFalse();
    }

    // ---------------------------------------------------------------- poison messages and unknown names, with a worker

    @Test
    void aTaskThatAlwaysFailsEndsInTheFailedSetAfterItsAttempts() {
        var durable = DurableTasks.on(engine).task(Jobs::alwaysFail)
                .retry(new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0.0)).build();
        var id = durable.enqueue(TaskCall.of(Jobs::alwaysFail, key));
        start(durable.worker());
        var failed = awaitState(id, DurableState.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.lastError()).startsWith("java.lang.IllegalStateException: always failing");
        assertThat(Jobs.attempts(key)).hasSize(2);
    }

    @Test
    void aTaskOfAnUnknownNameFailsAtOnceWithoutRunning() {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var id = engine.enqueue(List.of(task("Nobody.knows", "[]"))).get(0);
        start(durable.worker());
        var failed = awaitState(id, DurableState.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastError()).contains("unknown task name 'Nobody.knows'");
    }

    // ---------------------------------------------------------------- search and paging

    private TaskPage search(TaskQuery query) {
        return engine.search(query);
    }

    private static List<String> ids(TaskPage page) {
        return page.tasks().stream().map(TaskSummary::id).toList();
    }

    @Test
    void searchFiltersByStateQueueNameAndCreationTime() {
        var before = Instant.now().minus(Duration.ofMinutes(1));
        var queued = engine.enqueue(List.of(in("mail", "Mail.send"))).get(0);
        var scheduled = engine.enqueue(List.of(new NewTask("Mail.send", "[]", "mail", 0, Instant.now().plus(Duration.ofHours(1)), null, 3))).get(0);
        var running = engine.enqueue(List.of(in("reports", "Reports.build"))).get(0);
        var failed = engine.enqueue(List.of(in("reports", "Reports.build"))).get(0);
        var succeeded = engine.enqueue(List.of(in("reports", "Reports.mail"))).get(0);
        var cancelled = engine.enqueue(List.of(in("mail", "Mail.send"))).get(0);
        engine.cancel(cancelled);
        assertThat(engine.claim("w", List.of("reports"), 3, LONG)).hasSize(3);
        engine.complete("w", List.of(new Completion.Failed(failed, "java.lang.IllegalStateException: no paper\n\tat P.print(P.java:1)"),
                new Completion.Succeeded(succeeded, null)));

        assertThat(ids(search(TaskQuery.newest(50)))).as("every task, newest first")
                .containsExactly(cancelled, succeeded, failed, running, scheduled, queued);
        assertThat(ids(search(TaskQuery.newest(50).inStates(DurableState.QUEUED)))).containsExactly(queued);
        assertThat(ids(search(TaskQuery.newest(50).inStates(DurableState.SCHEDULED)))).containsExactly(scheduled);
        assertThat(ids(search(TaskQuery.newest(50).inStates(DurableState.QUEUED, DurableState.SCHEDULED)))).containsExactly(scheduled, queued);
        assertThat(ids(search(TaskQuery.newest(50).inStates(DurableState.RUNNING)))).containsExactly(running);
        assertThat(search(TaskQuery.newest(50).inStates(DurableState.RUNNING)).tasks()).singleElement()
                .as("a running task's summary names the worker that holds it").extracting(TaskSummary::worker).isEqualTo("w");
        assertThat(search(TaskQuery.newest(50).inStates(DurableState.QUEUED)).tasks()).singleElement()
                .as("a task never claimed has no worker").extracting(TaskSummary::worker).isNull();
        assertThat(ids(search(TaskQuery.newest(50).inStates(DurableState.FAILED, DurableState.CANCELLED)))).containsExactly(cancelled, failed);
        assertThat(ids(search(TaskQuery.newest(50).inQueue("mail")))).containsExactly(cancelled, scheduled, queued);
        assertThat(ids(search(TaskQuery.newest(50).named("Reports.build")))).containsExactly(failed, running);
        assertThat(ids(search(TaskQuery.newest(50).inQueue("reports").named("Reports.build").inStates(DurableState.FAILED))))
                .containsExactly(failed);
        assertThat(ids(search(TaskQuery.newest(50).createdBetween(before, null)))).hasSize(6);
        assertThat(ids(search(TaskQuery.newest(50).createdBetween(null, before)))).isEmpty();
        assertThat(ids(search(TaskQuery.newest(50).createdBetween(Instant.now().plus(Duration.ofHours(1)), null)))).isEmpty();

        var summary = search(TaskQuery.newest(50).inStates(DurableState.FAILED)).tasks().get(0);
        assertThat(summary.name()).isEqualTo("Reports.build");
        assertThat(summary.queue()).isEqualTo("reports");
        assertThat(summary.state()).isEqualTo(DurableState.FAILED);
        assertThat(summary.attempts()).isEqualTo(1);
        assertThat(summary.maxAttempts()).isEqualTo(3);
        assertThat(summary.createdAt()).isNotNull();
        assertThat(summary.finishedAt()).isNotNull().isAfterOrEqualTo(summary.createdAt());
        assertThat(summary.error()).as("the first line of the error").isEqualTo("java.lang.IllegalStateException: no paper");
        var waiting = search(TaskQuery.newest(50).inStates(DurableState.SCHEDULED)).tasks().get(0);
        assertThat(waiting.runAt()).isAfter(Instant.now());
        assertThat(waiting.finishedAt()).isNull();
        assertThat(waiting.error()).isNull();
    }

    @Test
    void pagesFollowACursorNewestFirstAndStayTheSameWhileTasksAreAdded() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 25; i++) {
            ids.add(engine.enqueue(List.of(task("Jobs.page", "[" + i + "]"))).get(0));
        }
        var newestFirst = ids.reversed();
        var first = search(TaskQuery.newest(10));
        assertThat(ids(first)).containsExactlyElementsOf(newestFirst.subList(0, 10));
        assertThat(first.next()).isNotNull();

        var added = engine.enqueue(List.of(task("Jobs.page", "[25]"), task("Jobs.page", "[26]")));
        var second = search(first.query().after(first.next()));
        assertThat(ids(second)).as("tasks added meanwhile do not shift the pages").containsExactlyElementsOf(newestFirst.subList(10, 20));
        var third = search(second.query().after(second.next()));
        assertThat(ids(third)).containsExactlyElementsOf(newestFirst.subList(20, 25));
        assertThat(third.next()).as("the last page").isNull();
        assertThat(ids(search(TaskQuery.newest(2)))).containsExactlyElementsOf(added.reversed());

        // a cursor keeps working as tasks change state: the page after it still holds only older tasks
        var claimed = claim("w", 30, LONG);
        engine.complete("w", claimed.stream().map(c -> (Completion) new Completion.Succeeded(c.id(), null)).toList());
        assertThat(ids(search(TaskQuery.newest(10).after(first.next())))).containsExactlyElementsOf(newestFirst.subList(10, 20));

        assertThatThrownBy(() -> search(TaskQuery.newest(10).after("not a cursor"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskQuery.newest(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskQuery.newest(TaskQuery.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- counts and purge

    @Test
    void countsFollowEveryMoveIntoAndOutOfAFinalState() {
        assertThat(engine.status("no-such-task")).isEmpty();
        assertThat(engine.counts()).isEmpty();
        var ids = engine.enqueue(List.of(task("Jobs.a", "[1]"), task("Jobs.a", "[2]"), task("Jobs.a", "[3]"), task("Jobs.a", "[4]"),
                in("reports", "Jobs.r"), new NewTask("Jobs.r", "[]", "reports", 0, Instant.now().plus(Duration.ofHours(1)), null, 3)));
        assertThat(engine.counts()).containsOnlyKeys("default", "reports");
        assertThat(engine.counts().get("reports")).containsEntry(DurableState.QUEUED, 1L).containsEntry(DurableState.SCHEDULED, 1L)
                .containsEntry(DurableState.RUNNING, 0L).containsEntry(DurableState.FAILED, 0L);

        engine.cancel(ids.get(3));
        claim("w", 3, LONG);
        engine.complete("w", List.of(new Completion.Succeeded(ids.get(0), null), new Completion.Succeeded(ids.get(1), "\"r\""),
                new Completion.Failed(ids.get(2), "boom")));
        assertThat(engine.counts().get("default")).isEqualTo(Map.of(DurableState.QUEUED, 0L, DurableState.SCHEDULED, 0L,
                DurableState.RUNNING, 0L, DurableState.SUCCEEDED, 2L, DurableState.FAILED, 1L, DurableState.CANCELLED, 1L));

        engine.retry(ids.get(2));
        engine.retry(ids.get(3));
        assertThat(engine.counts().get("default")).containsEntry(DurableState.QUEUED, 2L).containsEntry(DurableState.FAILED, 0L)
                .containsEntry(DurableState.CANCELLED, 0L).containsEntry(DurableState.SUCCEEDED, 2L);
        claim("w", 1, LONG);
        assertThat(engine.counts().get("default")).containsEntry(DurableState.QUEUED, 1L).containsEntry(DurableState.RUNNING, 1L);

        assertThat(engine.purge(Set.of(DurableState.SUCCEEDED), Instant.now().plus(Duration.ofMinutes(1)))).isEqualTo(2);
        assertThat(engine.counts().get("default")).containsEntry(DurableState.SUCCEEDED, 0L).containsEntry(DurableState.RUNNING, 1L);
    }

    @Test
    void purgeDeletesTasksOfTheGivenFinalStatesThatFinishedBeforeTheTime() {
        var ids = engine.enqueue(List.of(task("Jobs.ok", "[]"), task("Jobs.failed", "[]"), task("Jobs.cancelled", "[]"),
                task("Jobs.waiting", "[]")));
        engine.cancel(ids.get(2));
        assertThat(claim("w", 2, LONG)).extracting(ClaimedTask::id).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        engine.complete("w", List.of(new Completion.Succeeded(ids.get(0), null), new Completion.Failed(ids.get(1), "boom")));
        var soon = Instant.now().plus(Duration.ofMinutes(1));

        assertThat(engine.purge(dev.coda.durable.spi.TaskSearch.finalStates(), Instant.now().minus(Duration.ofHours(1)))).as("nothing that old").isZero();
        assertThat(engine.purge(Set.of(DurableState.SUCCEEDED, DurableState.CANCELLED), soon)).isEqualTo(2);
        assertThat(engine.status(ids.get(0))).isEmpty();
        assertThat(engine.status(ids.get(2))).isEmpty();
        assertThat(engine.status(ids.get(1)).orElseThrow().state()).isEqualTo(DurableState.FAILED);
        assertThat(engine.purge(Set.of(DurableState.FAILED), soon)).isEqualTo(1);
        assertThat(engine.status(ids.get(1))).isEmpty();
        assertThat(engine.status(ids.get(3)).orElseThrow().state()).as("live tasks stay").isEqualTo(DurableState.QUEUED);
        assertThatThrownBy(() -> engine.purge(Set.of(DurableState.QUEUED), soon)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("final state");
        assertThat(ids(search(TaskQuery.newest(10)))).containsExactly(ids.get(3));
    }

    // ---------------------------------------------------------------- text search, and the administrator's actions

    /** Stores a task, claims it alone and records it as failed with {@code error}. */
    private String failed(String queue, String args, String error) {
        var id = engine.enqueue(List.of(new NewTask("Jobs.fails", args, queue, 0, null, null, 3))).get(0);
        assertThat(engine.claim("admin-test", List.of(queue), 1, LONG)).extracting(ClaimedTask::id).containsExactly(id);
        engine.complete("admin-test", List.of(new Completion.Failed(id, error)));
        return id;
    }

    @Test
    void searchFindsTextInTheLastErrorOrTheArgumentsInAnyCase() {
        var timedOut = failed("mail", "[\"Alice@Example.com\"]", "java.net.SocketTimeoutException: Read timed out\n\tat Net.read(Net.java:1)");
        var refused = failed("mail", "[\"bob@example.com\"]", "java.net.ConnectException: Connection refused");
        var waiting = engine.enqueue(List.of(new NewTask("Mail.send", "[\"alice@example.com\", \"100%_off\"]", "mail", 0, null, null, 3))).get(0);

        assertThat(ids(search(TaskQuery.newest(50).errorContaining("READ TIMED")))).containsExactly(timedOut);
        assertThat(ids(search(TaskQuery.newest(50).errorContaining("Net.java")))).as("the whole error, not only its first line")
                .containsExactly(timedOut);
        assertThat(ids(search(TaskQuery.newest(50).errorContaining("java.net.")))).containsExactly(refused, timedOut);
        assertThat(ids(search(TaskQuery.newest(50).argumentsContaining("alice@EXAMPLE")))).containsExactly(waiting, timedOut);
        assertThat(ids(search(TaskQuery.newest(50).argumentsContaining("alice").inStates(DurableState.FAILED)))).containsExactly(timedOut);
        assertThat(ids(search(TaskQuery.newest(50).argumentsContaining("alice").errorContaining("refused")))).isEmpty();
        assertThat(ids(search(TaskQuery.newest(50).argumentsContaining("0%_o")))).as("% and _ are text, not wildcards")
                .containsExactly(waiting);
        assertThat(ids(search(TaskQuery.newest(50).argumentsContaining("%")))).containsExactly(waiting);
        assertThat(ids(search(TaskQuery.newest(50).errorContaining("_")))).isEmpty();

        var first = search(TaskQuery.newest(1).errorContaining("java.net"));
        assertThat(ids(first)).containsExactly(refused);
        assertThat(ids(search(first.query().after(first.next())))).as("text searches page by cursor too").containsExactly(timedOut);
    }

    @Test
    void aTextSearchExaminesABoundedNumberOfTasksAPageAndGoesOnFromWhereItStopped() {
        var needle = engine.enqueue(List.of(task("Jobs.old", "[\"needle\"]"))).get(0);
        var hay = new ArrayList<NewTask>();
        for (int i = 0; i < TaskQuery.TEXT_SCAN + 10; i++) {
            hay.add(task("Jobs.hay", "[" + i + "]"));
        }
        for (int from = 0; from < hay.size(); from += 1000) {
            engine.enqueue(hay.subList(from, Math.min(hay.size(), from + 1000)));
        }

        var first = search(TaskQuery.newest(50).argumentsContaining("needle"));
        assertThat(first.tasks()).as("the first page examined its bound of newer tasks").isEmpty();
        assertThat(first.next()).as("and says where to go on").isNotNull();
        var second = search(first.query().after(first.next()));
        assertThat(ids(second)).containsExactly(needle);
        assertThat(second.next()).isNull();
        assertThat(engine.dryRun(TaskAdmin.BulkAction.DELETE, TaskQuery.newest(50).argumentsContaining("NEEDLE"))).isEqualTo(1);
    }

    @Test
    void retrySaysWhetherItRetriedAndWhyNot() {
        var failedOne = failed("default", "[1]", "boom");
        assertThat(engine.retryTask(failedOne)).isEqualTo(TaskAdmin.RetryOutcome.RETRIED);
        assertThat(engine.status(failedOne).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
        assertThat(engine.retryTask(failedOne)).as("queued: not retryable").isEqualTo(TaskAdmin.RetryOutcome.NOT_RETRYABLE);
        assertThat(engine.retryTask("no-such-task")).isEqualTo(TaskAdmin.RetryOutcome.NOT_RETRYABLE);

        var keyed = engine.enqueue(List.of(new NewTask("Jobs.keyed", "[]", "keyed", 0, null, "report-7", 3))).get(0);
        engine.claim("w", List.of("keyed"), 1, LONG);
        engine.complete("w", List.of(new Completion.Failed(keyed, "boom")));
        var successor = engine.enqueue(List.of(new NewTask("Jobs.keyed", "[]", "keyed", 0, null, "report-7", 3))).get(0);
        assertThat(successor).as("the failed task let go of its key").isNotEqualTo(keyed);
        assertThat(engine.retryTask(keyed)).isEqualTo(TaskAdmin.RetryOutcome.UNIQUE_KEY_CONFLICT);
        assertThat(engine.retry(keyed)).isFalse();
        assertThat(engine.status(keyed).orElseThrow().state()).as("left as it was").isEqualTo(DurableState.FAILED);

        engine.cancel(successor);
        assertThat(engine.retryTask(keyed)).as("once the key is free").isEqualTo(TaskAdmin.RetryOutcome.RETRIED);
    }

    @Test
    void deleteRemovesATaskThatIsNotRunningWithItsCountAndUniqueKey() {
        var failedOne = failed("default", "[]", "boom");
        var queued = engine.enqueue(List.of(new NewTask("Jobs.keyed", "[]", "default", 0, null, "only-one", 3))).get(0);
        var scheduled = engine.enqueue(List.of(new NewTask("Jobs.later", "[]", "default", 0, Instant.now().plus(Duration.ofHours(1)), null, 3))).get(0);
        var running = engine.enqueue(List.of(task("Jobs.running", "[]"))).get(0);
        assertThat(claim("w", 2, LONG)).extracting(ClaimedTask::id).contains(running);
        engine.release("w", List.of(queued));
        assertThat(engine.status(queued).orElseThrow().state()).isEqualTo(DurableState.QUEUED);

        assertThat(engine.delete(queued)).isTrue();
        assertThat(engine.delete(scheduled)).isTrue();
        assertThat(engine.delete(failedOne)).isTrue();
        assertThat(engine.delete(running)).as("a running task is not deleted").isFalse();
        assertThat(engine.delete(queued)).as("twice").isFalse();
        assertThat(engine.delete("no-such-task")).isFalse();

        assertThat(engine.status(queued)).isEmpty();
        assertThat(engine.status(failedOne)).isEmpty();
        assertThat(engine.counts().get("default")).containsEntry(DurableState.QUEUED, 0L).containsEntry(DurableState.SCHEDULED, 0L)
                .containsEntry(DurableState.FAILED, 0L).containsEntry(DurableState.RUNNING, 1L);
        assertThat(ids(search(TaskQuery.newest(10)))).containsExactly(running);
        assertThat(claim("w2", 10, LONG)).as("a deleted task is never handed out").isEmpty();
        assertThat(engine.enqueue(List.of(new NewTask("Jobs.keyed", "[]", "default", 0, null, "only-one", 3))).get(0))
                .as("its unique key is free").isNotEqualTo(queued);
    }

    @Test
    void bulkActionsCountFirstThenActOnEveryTaskOfTheFilterInTheStatesTheyAccept() {
        var boom = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            boom.add(failed("bulk", "[" + i + "]", "IllegalStateException: boom " + i));
        }
        var other = failed("bulk", "[9]", "IllegalArgumentException: bad input");
        var keyed = engine.enqueue(List.of(new NewTask("Jobs.keyed", "[]", "bulk", 0, null, "k", 3))).get(0);
        engine.claim("w", List.of("bulk"), 1, LONG);
        engine.complete("w", List.of(new Completion.Failed(keyed, "boom, keyed")));
        engine.enqueue(List.of(new NewTask("Jobs.keyed", "[]", "bulk", 0, null, "k", 3)));
        var queued = engine.enqueue(List.of(in("bulk", "Jobs.q"), in("bulk", "Jobs.q"), in("elsewhere", "Jobs.q")));

        var booms = TaskQuery.newest(10).inQueue("bulk").errorContaining("BOOM");
        assertThat(engine.dryRun(TaskAdmin.BulkAction.RETRY, booms)).isEqualTo(6);
        assertThat(engine.dryRun(TaskAdmin.BulkAction.CANCEL, booms)).as("no failed task is cancellable").isZero();
        var retried = engine.bulk(TaskAdmin.BulkAction.RETRY, booms);
        assertThat(retried).isEqualTo(new TaskAdmin.BulkResult(TaskAdmin.BulkAction.RETRY, 5, 0, 1));
        assertThat(boom).allSatisfy(id -> assertThat(engine.status(id).orElseThrow().state()).isEqualTo(DurableState.QUEUED));
        assertThat(engine.status(other).orElseThrow().state()).isEqualTo(DurableState.FAILED);
        assertThat(engine.status(keyed).orElseThrow().state()).isEqualTo(DurableState.FAILED);
        assertThat(engine.dryRun(TaskAdmin.BulkAction.RETRY, booms)).as("only the conflict is left").isEqualTo(1);

        var inBulk = TaskQuery.newest(3).inQueue("bulk");
        assertThat(engine.dryRun(TaskAdmin.BulkAction.CANCEL, inBulk)).as("every page of the filter").isEqualTo(5 + 2 + 1);
        assertThat(engine.bulk(TaskAdmin.BulkAction.CANCEL, inBulk).done()).isEqualTo(8);
        assertThat(engine.status(queued.get(2)).orElseThrow().state()).as("another queue").isEqualTo(DurableState.QUEUED);
        assertThat(engine.bulk(TaskAdmin.BulkAction.DELETE, inBulk.inStates(DurableState.CANCELLED)).done()).isEqualTo(8);
        assertThat(engine.counts().get("bulk")).containsEntry(DurableState.CANCELLED, 0L).containsEntry(DurableState.FAILED, 2L);
        assertThat(engine.dryRun(TaskAdmin.BulkAction.DELETE, TaskQuery.newest(10).inQueue("bulk").inStates(DurableState.RUNNING)))
                .as("running tasks are never deleted").isZero();
        assertThat(ids(search(TaskQuery.newest(50).inQueue("bulk")))).containsExactlyInAnyOrder(other, keyed);
    }

    // ---------------------------------------------------------------- workers

    @Test
    void theRegistryOfWorkersListsEachWithItsHeartbeatUntilItLeaves() {
        assertThat(engine.workers()).isEmpty();
        engine.register(new WorkerInfo("w1", "host-a", 42, null, null, List.of("default", "mail"), 12));
        engine.register(new WorkerInfo("w2", "host-b", 43, null, null, List.of("reports"), 2));
        var w1 = engine.workers().get(0);
        assertThat(w1.id()).isEqualTo("w1");
        assertThat(w1.host()).isEqualTo("host-a");
        assertThat(w1.pid()).isEqualTo(42);
        assertThat(w1.queues()).containsExactly("default", "mail");
        assertThat(w1.concurrency()).isEqualTo(12);
        assertThat(w1.startedAt()).isNotNull();
        assertThat(w1.lastHeartbeat()).isEqualTo(w1.startedAt());
        assertThat(w1.staleAt(w1.lastHeartbeat().plusSeconds(1), Duration.ofSeconds(30))).isFalse();
        assertThat(w1.staleAt(w1.lastHeartbeat().plusSeconds(60), Duration.ofSeconds(30))).as("a dead worker's heartbeat gets old").isTrue();

        await().until(() -> engine.heartbeat("w1") && engine.workers().get(0).lastHeartbeat().isAfter(w1.lastHeartbeat()));
        assertThat(engine.workers().get(0).startedAt()).isEqualTo(w1.startedAt());
        assertThat(engine.heartbeat("nobody")).isFalse();
        assertThat(engine.deregister("w1")).isTrue();
        assertThat(engine.deregister("w1")).isFalse();
        assertThat(engine.workers()).extracting(WorkerInfo::id).containsExactly("w2");
    }

    @Test
    void aWorkerRegistersOnStartAndDeregistersOnStop() {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var worker = start(durable.worker().workerId("conformance-" + key).concurrency("default", 3).concurrency("mail", 2));
        assertThat(engine.workers()).singleElement().satisfies(info -> {
            assertThat(info.id()).isEqualTo(worker.id());
            assertThat(info.queues()).containsExactlyInAnyOrder("default", "mail");
            assertThat(info.concurrency()).isEqualTo(5);
            assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
        });
        worker.stop(Duration.ofSeconds(5));
        assertThat(engine.workers()).isEmpty();
    }

    // ---------------------------------------------------------------- the stats roll-up

    private static final Instant MINUTE = Instant.parse("2026-12-04T12:00:00Z");

    private static DurationHistogram times(long count, Duration each) {
        return DurationHistogram.of(Map.of(DurationHistogram.bucketOf(each), count));
    }

    private static TaskStats.Entry entry(Instant minute, String queue, String name, long succeeded, DurationHistogram runs) {
        return new TaskStats.Entry(minute, queue, name, succeeded, 1, 2, times(succeeded, Duration.ofMillis(3)), runs);
    }

    @Test
    void statsOfTwoWorkersAddUpSurviveReopeningAndGivePercentilesOfTheMergedHistograms() {
        var stats = engine.capability(TaskStats.class).orElseThrow();
        // one worker saw 94 fast runs, another 6 slow ones, in the same minute
        stats.record(List.of(entry(MINUTE, "default", "Jobs.a", 94, times(94, Duration.ofMillis(1))),
                entry(MINUTE, "mail", "Jobs.a", 1, times(1, Duration.ofMillis(1)))), MINUTE.minus(Duration.ofDays(1)));
        try (var other = anotherEngine()) {
            other.capability(TaskStats.class).orElseThrow()
                    .record(List.of(entry(MINUTE, "default", "Jobs.a", 6, times(6, Duration.ofMillis(100)))), MINUTE.minus(Duration.ofDays(1)));
        }
        opened.remove(engine);
        engine.close();
        engine = second(); // reopened, as after a restart

        var read = engine.capability(TaskStats.class).orElseThrow().read(MINUTE, MINUTE.plusSeconds(60), "default", "Jobs.a");
        assertThat(read).singleElement().satisfies(e -> {
            assertThat(e.minute()).isEqualTo(MINUTE);
            assertThat(List.of(e.succeeded(), e.failed(), e.retried())).containsExactly(100L, 2L, 4L);
            assertThat(e.waits().count()).isEqualTo(100);
            assertThat(e.runs().count()).isEqualTo(100);
            // from the merged buckets: rank 50 is a fast run, rank 95 a slow one (each within the buckets' 6.25 %)
            assertThat(e.runs().percentile(0.50).orElseThrow().toNanos()).isBetween(937_500L, 1_062_500L);
            assertThat(e.runs().percentile(0.95).orElseThrow().toNanos()).isBetween(93_750_000L, 106_250_000L);
        });
        assertThat(engine.capability(TaskStats.class).orElseThrow().read(MINUTE, MINUTE.plusSeconds(60), null, null))
                .extracting(TaskStats.Entry::queue, TaskStats.Entry::succeeded).containsExactly(tuple("default", 100L), tuple("mail", 1L));
    }

    @Test
    void statsAreReadByMinuteWindowAndOlderMinutesAreDroppedPastTheRetention() {
        var stats = engine.capability(TaskStats.class).orElseThrow();
        var old = MINUTE.minus(Duration.ofDays(8));
        stats.record(List.of(entry(old, "default", "Jobs.a", 1, times(1, Duration.ofMillis(1)))), old);
        stats.record(List.of(entry(MINUTE, "default", "Jobs.a", 2, times(2, Duration.ofMillis(1))),
                entry(MINUTE.plusSeconds(60), "default", "Jobs.b", 3, times(3, Duration.ofMillis(1)))), old);
        assertThat(stats.read(old, MINUTE.plusSeconds(120), null, null)).extracting(TaskStats.Entry::succeeded).containsExactly(1L, 2L, 3L);
        assertThat(stats.read(MINUTE.plusSeconds(1), MINUTE.plusSeconds(120), null, null)).as("minutes that start in the window")
                .extracting(TaskStats.Entry::name).containsExactly("Jobs.b");
        assertThat(stats.read(old, MINUTE.plusSeconds(120), null, "Jobs.b")).extracting(TaskStats.Entry::succeeded).containsExactly(3L);

        stats.record(List.of(), MINUTE.minus(Duration.ofDays(7)));
        assertThat(stats.read(old, MINUTE.plusSeconds(120), null, null)).extracting(TaskStats.Entry::succeeded).containsExactly(2L, 3L);
    }

    @Test
    void aWorkerAddsItsOutcomesWaitsAndRunTimesToTheStatsWhenItStops() {
        var durable = DurableTasks.on(engine).task(Jobs::note).task(Jobs::alwaysFail)
                .retry(new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0.0)).build();
        var before = Instant.now().minus(Duration.ofMinutes(1));
        var succeeded = durable.enqueue(TaskCall.of(Jobs::note, key, 1));
        var failed = durable.enqueue(TaskCall.of(Jobs::alwaysFail, key));
        var worker = start(durable.worker().statsInterval(Duration.ofHours(1)));
        awaitState(succeeded, DurableState.SUCCEEDED);
        awaitState(failed, DurableState.FAILED);
        worker.stop(Duration.ofSeconds(5));

        var entries = engine.capability(TaskStats.class).orElseThrow().read(before, Instant.now().plus(Duration.ofMinutes(2)), "default", null);
        var total = entries.stream().reduce(TaskStats.Entry::plus).orElseThrow();
        assertThat(List.of(total.succeeded(), total.failed(), total.retried())).containsExactly(1L, 1L, 1L);
        assertThat(total.waits().count()).as("three attempts waited").isEqualTo(3);
        assertThat(total.runs().count()).as("and ran").isEqualTo(3);
        assertThat(entries).extracting(TaskStats.Entry::name).allMatch(name -> name.equals(engine.status(succeeded).orElseThrow().name())
                || name.equals(engine.status(failed).orElseThrow().name()));
    }

    // ---------------------------------------------------------------- the transactional capability

    @Test
    void theTransactionalCapabilityStoresTasksIfAndOnlyIfTheTransactionCommits() throws SQLException {
        assertThat(engine.capability(String.class)).as("no capability it does not have").isEmpty();
        var capability = engine.capability(TransactionalStore.class);
        if (capability.isEmpty()) {
            // an engine without one (a broker) refuses the application's transaction, saying so, rather than ignoring it
            var durable = DurableTasks.on(engine).build();
            assertThatThrownBy(() -> durable.inTransaction(connection -> null))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("needs an engine on a JDBC database");
            return;
        }
        var store = capability.orElseThrow();
        var committed = store.inTransaction(connection -> store.enqueue(connection, List.of(task("Jobs.tx", "[1]")))).get(0);
        var rolledBack = new ArrayList<String>();
        assertThatThrownBy(() -> store.inTransaction(connection -> {
            rolledBack.addAll(store.enqueue(connection, List.of(task("Jobs.tx", "[2]"))));
            throw new SQLException("the application changed its mind");
        })).isInstanceOf(SQLException.class);
        assertThat(rolledBack).hasSize(1);
        assertThat(engine.status(committed).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
        assertThat(engine.status(rolledBack.get(0))).isEmpty();
        assertThat(engine.capability(String.class)).as("no capability it does not have").isEmpty();
    }
}
