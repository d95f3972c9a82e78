package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.coda.testsupport.TestPostgres;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.internal.EngineUrls;
import dev.coda.durable.internal.OldSchemas;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The engine SPI on SQLite and PostgreSQL: storage, claims, leases, completions. */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class EngineTest extends EngineTestBase {

    private static final Duration LONG = Duration.ofSeconds(30);

    private List<ClaimedTask> claim(String worker, int max, Duration lease) {
        return engine.claim(worker, List.of("default"), max, lease);
    }

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
    void statusAndCounts() {
        assertThat(engine.status("no-such-task")).isEmpty();
        assertThat(engine.counts()).isEmpty();
        engine.enqueue(List.of(task("Jobs.a", "[]"), task("Jobs.a", "[]"),
                new NewTask("Jobs.a", "[]", "reports", 0, null, null, 3),
                new NewTask("Jobs.a", "[]", "reports", 0, Instant.now().plus(Duration.ofHours(1)), null, 3)));
        var claimed = claim("w1", 1, LONG);
        engine.complete("w1", List.of(new Completion.Failed(claimed.get(0).id(), "boom")));

        var counts = engine.counts();
        assertThat(counts).containsOnlyKeys("default", "reports");
        assertThat(counts.get("default")).containsEntry(DurableState.QUEUED, 1L).containsEntry(DurableState.FAILED, 1L)
                .containsEntry(DurableState.RUNNING, 0L).containsEntry(DurableState.SUCCEEDED, 0L);
        assertThat(counts.get("reports")).containsEntry(DurableState.QUEUED, 1L).containsEntry(DurableState.SCHEDULED, 1L);
    }

    @Test
    void delayedTasksAreNotClaimableBeforeTheirTime() {
        var runAt = Instant.now().plusMillis(600);
        var id = engine.enqueue(List.of(new NewTask("Jobs.later", "[]", "default", 0, runAt, null, 3))).get(0);
        assertThat(engine.status(id).orElseThrow().state()).isEqualTo(DurableState.SCHEDULED);
        assertThat(engine.status(id).orElseThrow().runAt()).isCloseTo(runAt, org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
        assertThat(claim("w1", 10, LONG)).isEmpty();

        var claimed = new ArrayList<ClaimedTask>();
        await().until(() -> claimed.addAll(claim("w1", 10, LONG)));
        assertThat(Instant.now()).as("times are kept to the millisecond").isAfterOrEqualTo(runAt.truncatedTo(ChronoUnit.MILLIS));
        assertThat(claimed).extracting(ClaimedTask::id).containsExactly(id);
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
        claim("dead", 1, Duration.ofMillis(200));
        var reclaimed = new ArrayList<ClaimedTask>();
        await().until(() -> reclaimed.addAll(claim("alive", 1, LONG)));
        var task = reclaimed.get(0);
        assertThat(task.id()).isEqualTo(id);
        assertThat(task.exhausted()).isTrue();
        assertThat(task.attempt()).isEqualTo(2);
        assertThat(task.lostBy()).isEqualTo("dead");
        assertThat(engine.status(id).orElseThrow().attempts()).as("it was started once").isEqualTo(1);
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
    void retryLaterThenFailThenRetryFromTheFailedSetAndCancel() {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        claim("w1", 1, LONG);
        var retryAt = Instant.now().plusMillis(400);
        engine.complete("w1", List.of(new Completion.Retry(id, "java.lang.IllegalStateException: first\n\tat X.y(X.java:1)", retryAt)));
        var waiting = engine.status(id).orElseThrow();
        assertThat(waiting.state()).isEqualTo(DurableState.SCHEDULED);
        assertThat(waiting.lastError()).startsWith("java.lang.IllegalStateException: first").contains("\tat X.y");
        assertThat(waiting.attempts()).isEqualTo(1);
        assertThat(claim("w1", 1, LONG)).isEmpty();

        var again = new ArrayList<ClaimedTask>();
        await().until(() -> again.addAll(claim("w1", 1, LONG)));
        assertThat(Instant.now()).as("times are kept to the millisecond").isAfterOrEqualTo(retryAt.truncatedTo(ChronoUnit.MILLIS));
        assertThat(again.get(0).attempt()).isEqualTo(2);
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

    @Test
    void concurrentClaimersNeverGetTheSameTask() throws Exception {
        int n = 400;
        var tasks = new ArrayList<NewTask>();
        for (int i = 0; i < n; i++) {
            tasks.add(task("Jobs.x", "[" + i + "]"));
        }
        engine.enqueue(tasks);
        var second = fixture.open(); // another engine, like another process
        Map<String, String> owners = new ConcurrentHashMap<>();
        var duplicates = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(4)) {
            var futures = new ArrayList<Future<?>>();
            for (int w = 0; w < 4; w++) {
                var worker = "w" + w;
                var on = w % 2 == 0 ? engine : second;
                futures.add(pool.submit(() -> {
                    while (owners.size() < n) {
                        var claimed = on.claim(worker, List.of("default"), 7, LONG);
                        for (var c : claimed) {
                            if (owners.putIfAbsent(c.id(), worker) != null) {
                                duplicates.incrementAndGet();
                            }
                        }
                        on.complete(worker, claimed.stream().map(c -> (Completion) new Completion.Succeeded(c.id(), null)).toList());
                        if (claimed.isEmpty()) {
                            break;
                        }
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(duplicates.get()).isZero();
        assertThat(owners).hasSize(n);
        assertThat(new HashSet<>(owners.values())).hasSizeGreaterThan(1);
        assertThat(engine.counts().get("default")).containsEntry(DurableState.SUCCEEDED, (long) n);
    }

    @Test
    void aSecondEngineOnTheSameDatabaseMigratesNothingAndSeesTheTasks() throws Exception {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        var before = migrationVersions();
        var second = fixture.open();
        assertThat(second.status(id)).isPresent();
        assertThat(before).startsWith(1).doesNotHaveDuplicates().isSorted();
        assertThat(migrationVersions()).isEqualTo(before);
    }

    private List<Integer> migrationVersions() throws Exception {
        try (var connection = fixture.connection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT version FROM " + fixture.migrationsTable() + " ORDER BY applied_at, version")) {
            var versions = new ArrayList<Integer>();
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
            return versions;
        }
    }

    @Test
    void aDatabaseCreatedByTheFirstSchemaVersionIsMigratedOnceAndKeepsItsTasks() throws Exception {
        Files.createDirectories(dir.resolve("old"));
        try (var old = EngineFixture.create(kind, dir.resolve("old"))) {
            try (var connection = old.connection(); var statement = connection.createStatement()) {
                OldSchemas.create(connection, old.schema(), 1);
                var now = kind == EngineKind.SQLITE ? "0" : "now()";
                statement.execute("INSERT INTO " + old.table() + " (id, name, queue, args, state, max_attempts, run_at, created_at)"
                        + " VALUES ('stored-before', 'Jobs.x', 'default', '[]', 'queued', 3, " + now + ", " + now + ")");
            }

            var migrated = old.open();
            var all = kind == EngineKind.POSTGRES ? List.of(1, 2, 3) : List.of(1, 2);
            assertThat(versions(old)).isEqualTo(all);
            if (kind == EngineKind.POSTGRES) {
                try (var connection = old.connection(); var statement = connection.createStatement();
                     var rows = statement.executeQuery("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + old.table()
                             + "'::regclass AND NOT tgisinternal")) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("the notify trigger of version 1 is gone").isZero();
                }
            }
            assertThat(migrated.status("stored-before").orElseThrow().timeout()).isNull();
            var id = migrated.enqueue(List.of(new NewTask("Jobs.y", "[]", "default", 0, null, null, 3, null,
                    Duration.ofSeconds(5)))).get(0);
            assertThat(migrated.status(id).orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(migrated.claim("w", List.of("default"), 10, LONG))
                    .extracting(ClaimedTask::id, ClaimedTask::timeout)
                    .containsExactlyInAnyOrder(tuple("stored-before", null), tuple(id, Duration.ofSeconds(5)));

            old.open();
            assertThat(versions(old)).as("migrating again changes nothing").isEqualTo(all);
        }
    }

    private static List<Integer> versions(EngineFixture fixture) throws Exception {
        try (var connection = fixture.connection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT version FROM " + fixture.migrationsTable() + " ORDER BY version")) {
            var versions = new ArrayList<Integer>();
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
            return versions;
        }
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
    void theDefaultEngineIsCodaTasksUrlWhenSetElseSqliteInTheWorkingDirectory() throws Exception {
        var id = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        var workingDirectory = Files.createDirectories(dir.resolve("work"));
        try (var fromUrl = EngineUrls.fromEnvironment(Map.of("CODA_TASKS_URL", fixture.url), workingDirectory)) {
            assertThat(fromUrl.status(id)).as("the engine CODA_TASKS_URL names").isPresent();
        }
        assertThat(workingDirectory.resolve("coda-tasks.db")).doesNotExist();

        for (var environment : List.of(Map.<String, String>of(), Map.of("CODA_TASKS_URL", " "))) {
            try (var byDefault = EngineUrls.fromEnvironment(environment, workingDirectory)) {
                assertThat(byDefault.toString()).contains("SQLite");
                assertThat(byDefault.status(id)).isEmpty();
            }
            assertThat(workingDirectory.resolve("coda-tasks.db")).isRegularFile();
        }
    }

    @Test
    void concurrentEnqueueCallsAreAllStoredAndOneCallsFailureIsNotAnothers() throws Exception {
        var taken = engine.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
        int callers = 64;
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<List<String>>>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    if (n == callers / 2) { // a task whose id is already used: this call fails
                        return engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 1, taken)));
                    }
                    return engine.enqueue(List.of(task("Jobs.x", "[" + n + "]"), task("Jobs.x", "[" + n + "]")));
                }));
            }
            start.countDown();
            var ids = new HashSet<String>();
            for (int i = 0; i < callers; i++) {
                if (i == callers / 2) {
                    var failing = results.get(i);
                    assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TaskEngineException.class);
                    continue;
                }
                var stored = results.get(i).get(30, TimeUnit.SECONDS);
                assertThat(stored).hasSize(2);
                ids.addAll(stored);
                assertThat(engine.status(stored.get(0)).orElseThrow().arguments()).isEqualTo("[" + i + "]");
            }
            assertThat(ids).hasSize(2 * (callers - 1));
        }
        assertThat(engine.counts().get("default")).containsEntry(DurableState.QUEUED, 1L + 2 * (callers - 1));
    }

    @Test
    void awaitWorkWakesUpWhenThisEngineStoresATask() throws Exception {
        var ready = new CountDownLatch(1);
        try (var pool = Executors.newSingleThreadExecutor()) {
            var waited = pool.submit(() -> {
                engine.claim("w2", List.of("default"), 1, LONG); // what this thread has seen
                ready.countDown();
                long start = System.nanoTime();
                engine.awaitWork(Duration.ofSeconds(20));
                return Duration.ofNanos(System.nanoTime() - start);
            });
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            engine.enqueue(List.of(task("Jobs.x", "[]")));
            assertThat(waited.get(20, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void awaitWorkWakesAnotherProcessOnPostgresAndPollsOnSqlite() throws Exception {
        var other = fixture.open(); // stands for another process: only the database links them
        if (kind == EngineKind.POSTGRES) {
            other.awaitWork(Duration.ofSeconds(5)); // starts its listener, which wakes waiters once it listens
        }
        var ready = new CountDownLatch(1);
        try (var pool = Executors.newSingleThreadExecutor()) {
            var waited = pool.submit(() -> {
                other.claim("w2", List.of("default"), 1, LONG);
                ready.countDown();
                long start = System.nanoTime();
                other.awaitWork(Duration.ofSeconds(kind == EngineKind.POSTGRES ? 20 : 1));
                return Duration.ofNanos(System.nanoTime() - start);
            });
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            engine.enqueue(List.of(task("Jobs.x", "[]")));
            var took = waited.get(30, TimeUnit.SECONDS);
            if (kind == EngineKind.POSTGRES) {
                assertThat(took).as("woken by NOTIFY").isLessThan(Duration.ofSeconds(5));
            } else {
                assertThat(took).as("SQLite polls: the full timeout").isGreaterThanOrEqualTo(Duration.ofMillis(950));
            }
        }
    }

    @Test
    void purgeDeletesOldSucceededAndCancelledTasksOnly() {
        var durable = DurableTasks.on(engine).everyTask().build();
        var ids = engine.enqueue(List.of(task("Jobs.ok", "[]"), task("Jobs.failed", "[]"), task("Jobs.cancelled", "[]"),
                task("Jobs.waiting", "[]")));
        engine.cancel(ids.get(2));
        var claimed = engine.claim("w", List.of("default"), 2, LONG);
        assertThat(claimed).extracting(ClaimedTask::id).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        engine.complete("w", List.of(new Completion.Succeeded(ids.get(0), null), new Completion.Failed(ids.get(1), "boom")));
        assertThat(durable.purge(Duration.ofHours(1))).as("nothing that old").isZero();
        var purged = new AtomicInteger();
        await().until(() -> purged.addAndGet(durable.purge(Duration.ZERO)) == 2);
        assertThat(engine.status(ids.get(0))).isEmpty();
        assertThat(engine.status(ids.get(2))).isEmpty();
        assertThat(engine.status(ids.get(1)).orElseThrow().state()).as("the failed set is kept").isEqualTo(DurableState.FAILED);
        assertThat(engine.status(ids.get(3)).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
    }

    @Test
    void anEngineOnTheApplicationsOwnPool() throws Exception {
        if (kind == EngineKind.SQLITE) {
            try (var same = TaskEngine.sqlite(dir.resolve("tasks.db"))) { // the factory, on the fixture's file
                var id = same.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
                assertThat(engine.status(id)).isPresent();
            }
            return;
        }
        var config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(TestPostgres.url());
        config.setMaximumPoolSize(3);
        try (var pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            var schema = ((dev.coda.durable.internal.PostgresTaskEngine) engine).schema();
            try (var onPool = TaskEngine.postgres(pool, schema)) {
                var id = onPool.enqueue(List.of(task("Jobs.x", "[]"))).get(0);
                assertThat(engine.status(id)).isPresent();
                onPool.awaitWork(Duration.ofSeconds(5)); // its listener holds one of the pool's connections
                var ready = new CountDownLatch(1);
                try (var executor = Executors.newSingleThreadExecutor()) {
                    var waited = executor.submit(() -> {
                        onPool.claim("w", List.of("other-queue"), 1, LONG);
                        ready.countDown();
                        long start = System.nanoTime();
                        onPool.awaitWork(Duration.ofSeconds(20));
                        return Duration.ofNanos(System.nanoTime() - start);
                    });
                    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                    engine.enqueue(List.of(task("Jobs.y", "[]")));
                    assertThat(waited.get(30, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(5));
                }
                assertThat(onPool.claim("w", List.of("default"), 10, LONG)).hasSize(2);
            }
            assertThat(pool.isClosed()).as("the application's pool is not closed by the engine").isFalse();
        }
    }

    @Test
    void rejectsBadTasksAndClosedEngines() {
        assertThatThrownBy(() -> engine.enqueue(List.of(new NewTask("Jobs.x", "[]", " ", 0, null, null, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
        assertThatThrownBy(() -> engine.enqueue(List.of(new NewTask("Jobs.x", "[]", "default", 0, null, null, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        engine.close();
        assertThatThrownBy(() -> engine.enqueue(List.of(task("Jobs.x", "[]"))))
                .isInstanceOf(TaskEngineException.class).hasMessageContaining("could not store");
    }

    @Test
    void fromUrlReadsTheKindAndSchema() {
        assertThatThrownBy(() -> TaskEngine.fromUrl("jdbc:mysql://localhost/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:sqlite:");
        assertThatThrownBy(() -> TaskEngine.fromUrl("jdbc:sqlite::memory:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskEngine.fromUrl("jdbc:sqlite:" + dir.resolve("x.db") + "?synchronous=OFF"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NORMAL or FULL");
        try (var full = TaskEngine.fromUrl("jdbc:sqlite:" + dir.resolve("sub/full.db") + "?synchronous=FULL")) {
            assertThat(full.enqueue(List.of(task("Jobs.x", "[]")))).hasSize(1);
        }
        assertThat(engine.toString()).contains(kind == EngineKind.SQLITE ? "SQLite" : "PostgreSQL schema coda_test_");
    }
}
