package dev.coda.durable.internal;

import static dev.coda.durable.internal.StoredState.CANCELLED;
import static dev.coda.durable.internal.StoredState.FAILED;
import static dev.coda.durable.internal.StoredState.QUEUED;
import static dev.coda.durable.internal.StoredState.RUNNING;
import static dev.coda.durable.internal.StoredState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
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

    @Test
    void everyStatementMakesOnlyAllowedMoves() throws Exception {
        table.insert(connection, List.of(task("a"), task("b"), task("c")));
        assertThat(states()).containsOnly(Map.entry("a", QUEUED), Map.entry("b", QUEUED), Map.entry("c", QUEUED));

        assertThat(table.claim(connection, "w1", "default", 2, LEASE, null)).extracting(c -> c.id()).containsExactly("a", "b");
        assertThat(table.cancel(connection, "c")).isTrue();
        assertThat(table.cancel(connection, "a")).as("running -> cancelled is not a move").isFalse();
        assertThat(states()).containsEntry("a", RUNNING).containsEntry("b", RUNNING).containsEntry("c", CANCELLED);

        table.succeed(connection, "w2", List.of(new Completion.Succeeded("a", null)));
        assertThat(states()).as("a worker that does not hold the lease changes nothing").containsEntry("a", RUNNING);
        table.succeed(connection, "w1", List.of(new Completion.Succeeded("a", "1")));
        table.retryOrFail(connection, "w1", List.of(new Completion.Failed("b", "boom")));
        assertThat(states()).containsEntry("a", SUCCEEDED).containsEntry("b", FAILED);

        assertThat(table.requeue(connection, "a")).as("succeeded -> queued is not a move").isFalse();
        assertThat(table.requeue(connection, "b")).isTrue();
        assertThat(table.requeue(connection, "c")).isTrue();
        assertThat(states()).containsEntry("a", SUCCEEDED).containsEntry("b", QUEUED).containsEntry("c", QUEUED);

        assertThat(table.claim(connection, "w1", "default", 5, LEASE, null)).hasSize(2);
        assertThat(table.release(connection, "w1", List.of("c"))).isEqualTo(1);
        table.retryOrFail(connection, "w1", List.of(new Completion.Retry("b", "again", Instant.now().plusSeconds(60))));
        assertThat(states()).containsEntry("b", QUEUED).containsEntry("c", QUEUED);

        assertThat(table.claim(connection, "w1", "default", 5, LEASE, null)).extracting(c -> c.id()).containsExactly("c");
        connection.createStatement().execute("UPDATE coda_tasks SET lease_until = 0 WHERE id = 'c'");
        assertThat(table.recover(connection, "w2", "default", 5, LEASE)).extracting(c -> c.id() + " from " + c.lostBy())
                .containsExactly("c from w1");
        assertThat(table.extend(connection, "w1", List.of("c"), LEASE)).as("w1 lost c's lease").isEmpty();
        assertThat(table.extend(connection, "w2", List.of("c"), LEASE)).containsExactly("c");
        assertThat(states()).containsEntry("c", RUNNING);

        var searches = new TaskSearches(Dialect.SQLITE, "coda_tasks");
        assertThat(searches.purge(connection, java.util.Set.of(dev.coda.durable.DurableState.SUCCEEDED), Instant.now().plusSeconds(1)))
                .as("a succeeded task is purged").isEqualTo(1);
        assertThat(states()).doesNotContainKey("a");
    }
}
