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
    void purgeDeletesEveryTaskItSelectsInTransactionsOfAThousandAndCountsThemOut() {
        int tasks = 2_345; // two full batches and a part
        var news = new ArrayList<NewTask>();
        for (int i = 0; i < tasks; i++) {
            news.add(task("Jobs.p", "[" + i + "]"));
        }
        engine.enqueue(news);
        var failedOne = engine.enqueue(List.of(task("Jobs.p", "[-1]"))).get(0);
        int done = 0;
        for (List<ClaimedTask> claimed; !(claimed = claim("w", 500, LONG)).isEmpty(); ) {
            engine.complete("w", claimed.stream().<Completion>map(c -> c.id().equals(failedOne)
                    ? new Completion.Failed(c.id(), "boom") : new Completion.Succeeded(c.id(), null)).toList());
            done += claimed.size();
        }
        assertThat(done).isEqualTo(tasks + 1);

        var later = Instant.now().plus(Duration.ofMinutes(1));
        assertThat(engine.purge(java.util.Set.of(DurableState.SUCCEEDED), later)).isEqualTo(tasks);

        assertThat(engine.counts().get("default")).containsEntry(DurableState.SUCCEEDED, 0L).containsEntry(DurableState.FAILED, 1L);
        assertThat(engine.search(dev.coda.durable.spi.TaskQuery.newest(10).inStates(DurableState.SUCCEEDED)).tasks()).isEmpty();
        assertThat(engine.status(failedOne)).as("another state: kept").isPresent();
        assertThat(engine.purge(java.util.Set.of(DurableState.SUCCEEDED, DurableState.FAILED), later)).isEqualTo(1);
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
                statement.execute("INSERT INTO " + old.table() + " (id, name, queue, args, state, max_attempts, run_at, created_at,"
                        + " finished_at) VALUES ('done-before', 'Jobs.x', 'default', '[]', 'succeeded', 3, " + now + ", " + now + ", " + now + ")");
            }

            var migrated = old.open();
            var all = List.of(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(versions(old)).isEqualTo(all);
            assertThat(migrated.counts().get("default")).as("the counters start from the tasks already finished")
                    .containsEntry(DurableState.SUCCEEDED, 1L).containsEntry(DurableState.QUEUED, 1L);
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

    @Test
    void anEngineModuleOnThePathOpensTheUrlsOfItsSchemeAndAnUnknownSchemeNamesTheKnownOnesWithoutThePassword() {
        // TestEngineProvider (test resources' META-INF/services) opens sqlite-alias:<file> as a SQLite engine
        try (var opened = TaskEngine.fromUrl("sqlite-alias:" + dir.resolve("alias.db"))) {
            assertThat(opened.toString()).contains("SQLite");
            assertThat(opened.enqueue(List.of(task("Jobs.x", "[]")))).hasSize(1);
        }
        assertThatThrownBy(() -> TaskEngine.fromUrl("nats://user:secret@localhost:4222/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nats://user:****@localhost:4222/x")
                .hasMessageContaining("sqlite-alias:<file>")
                .hasMessageNotContaining("secret");
    }
}
