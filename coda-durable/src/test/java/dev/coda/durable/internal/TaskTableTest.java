package dev.coda.durable.internal;

import static dev.coda.durable.internal.StoredState.CANCELLED;
import static dev.coda.durable.internal.StoredState.FAILED;
import static dev.coda.durable.internal.StoredState.QUEUED;
import static dev.coda.durable.internal.StoredState.RUNNING;
import static dev.coda.durable.internal.StoredState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import dev.coda.tasks.internal.TaskIds;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The statements move tasks only as {@link StoredState#canMoveTo} allows, and refuse the moves it does not. */
class TaskTableTest {

    private static final Duration LEASE = Duration.ofMinutes(1);

    private final TaskTable table = new TaskTable(Dialect.SQLITE, "coda_tasks");
    private Connection connection;
    private Map<String, StoredState> before = Map.of();

    @BeforeEach
    void createTheSchema(@TempDir Path dir) throws Exception {
        connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        connection.createStatement().execute("CREATE TABLE coda_migrations (version INTEGER PRIMARY KEY,"
                + " description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        Migrations.apply(connection, "coda_migrations", "0", Migrations.sqlite(), "a test");
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    /** The states now, after checking that every task that changed state made an allowed move. */
    private Map<String, StoredState> states() throws Exception {
        var now = new TreeMap<String, StoredState>();
        try (var rows = connection.createStatement().executeQuery("SELECT id, state FROM coda_tasks")) {
            while (rows.next()) {
                now.put(rows.getString(1), StoredState.parse(rows.getString(2)));
            }
        }
        for (var entry : now.entrySet()) {
            var was = before.get(entry.getKey());
            if (was != null && was != entry.getValue()) {
                assertThat(was.canMoveTo(entry.getValue())).as(entry.getKey() + ": " + was + " -> " + entry.getValue()).isTrue();
            }
        }
        before = now;
        return now;
    }

    private static NewTask task(String id) {
        return new NewTask("Jobs.x", "[]", "default", 0, null, null, 3, id, null);
    }

    /** Ids as the engine makes them (UUIDv7, in this order): on SQLite succeeded tasks are purged by their ids' times. */
    private static final String A = TaskIds.next();
    private static final String B = TaskIds.next();
    private static final String C = TaskIds.next();

    @Test
    void everyStatementMakesOnlyAllowedMoves() throws Exception {
        table.insert(connection, List.of(task(A), task(B), task(C)));
        assertThat(states()).containsOnly(Map.entry(A, QUEUED), Map.entry(B, QUEUED), Map.entry(C, QUEUED));

        assertThat(table.claim(connection, "w1", "default", 2, LEASE, null)).extracting(c -> c.id()).containsExactly(A, B);
        assertThat(table.cancel(connection, C)).isTrue();
        assertThat(table.cancel(connection, A)).as("running -> cancelled is not a move").isFalse();
        assertThat(states()).containsEntry(A, RUNNING).containsEntry(B, RUNNING).containsEntry(C, CANCELLED);

        table.succeed(connection, "w2", List.of(new Completion.Succeeded(A, null)));
        assertThat(states()).as("a worker that does not hold the lease changes nothing").containsEntry(A, RUNNING);
        table.succeed(connection, "w1", List.of(new Completion.Succeeded(A, "1")));
        table.retryOrFail(connection, "w1", List.of(new Completion.Failed(B, "boom")));
        assertThat(states()).containsEntry(A, SUCCEEDED).containsEntry(B, FAILED);

        assertThat(table.requeue(connection, A)).as("succeeded -> queued is not a move").isEqualTo(RetryOutcome.NOT_RETRYABLE);
        assertThat(table.requeue(connection, B)).isEqualTo(RetryOutcome.RETRIED);
        assertThat(table.requeue(connection, C)).isEqualTo(RetryOutcome.RETRIED);
        assertThat(states()).containsEntry(A, SUCCEEDED).containsEntry(B, QUEUED).containsEntry(C, QUEUED);

        assertThat(table.claim(connection, "w1", "default", 5, LEASE, null)).hasSize(2);
        assertThat(table.release(connection, "w1", List.of(C))).isEqualTo(1);
        table.retryOrFail(connection, "w1", List.of(new Completion.Retry(B, "again", Instant.now().plusSeconds(60))));
        assertThat(states()).containsEntry(B, QUEUED).containsEntry(C, QUEUED);

        assertThat(table.claim(connection, "w1", "default", 5, LEASE, null)).extracting(c -> c.id()).containsExactly(C);
        connection.createStatement().execute("UPDATE coda_tasks SET lease_until = 0 WHERE id = '" + C + "'");
        assertThat(table.recover(connection, "w2", "default", 5, LEASE)).extracting(c -> c.id() + " from " + c.lostBy())
                .containsExactly(C + " from w1");
        assertThat(table.extend(connection, "w1", List.of(C), LEASE)).as("w1 lost c's lease").isEmpty();
        assertThat(table.extend(connection, "w2", List.of(C), LEASE)).containsExactly(C);
        assertThat(states()).containsEntry(C, RUNNING);

        var searches = new TaskSearches(Dialect.SQLITE, "coda_tasks");
        assertThat(searches.purge(connection, StoredState.SUCCEEDED, Instant.now().plusSeconds(1)))
                .as("a succeeded task is purged").isEqualTo(1);
        assertThat(states()).doesNotContainKey(A);
    }
}
