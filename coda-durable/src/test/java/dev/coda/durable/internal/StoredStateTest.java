package dev.coda.durable.internal;

import static dev.coda.durable.internal.StoredState.CANCELLED;
import static dev.coda.durable.internal.StoredState.FAILED;
import static dev.coda.durable.internal.StoredState.QUEUED;
import static dev.coda.durable.internal.StoredState.RUNNING;
import static dev.coda.durable.internal.StoredState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.DurableState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredStateTest {

    @Test
    void theTransitionTableIsExactlyTheMovesTheStatementsMake() {
        var allowed = Map.of(
                QUEUED, EnumSet.of(RUNNING, CANCELLED),
                RUNNING, EnumSet.of(RUNNING, SUCCEEDED, FAILED, QUEUED),
                FAILED, EnumSet.of(QUEUED),
                CANCELLED, EnumSet.of(QUEUED),
                SUCCEEDED, EnumSet.noneOf(StoredState.class));
        for (var from : StoredState.values()) {
            var moves = EnumSet.noneOf(StoredState.class);
            for (var to : StoredState.values()) {
                if (from.canMoveTo(to)) {
                    moves.add(to);
                }
            }
            assertThat(moves).as("moves from " + from).isEqualTo(allowed.get(from));
        }
    }

    @Test
    void storedValuesAndLiteralsRoundTrip() {
        for (var state : StoredState.values()) {
            assertThat(StoredState.parse(state.stored())).isSameAs(state);
            assertThat(state.literal()).isEqualTo("'" + state.stored() + "'");
        }
        assertThat(StoredState.literals(StoredState.live())).isEqualTo("'queued', 'running'");
        assertThatThrownBy(() -> StoredState.parse("paused")).isInstanceOf(IllegalStateException.class).hasMessageContaining("paused");
    }

    @Test
    void aQueuedTaskDueLaterOnTheDatabasesClockIsScheduled(@TempDir Path dir) throws Exception {
        var templates = new SqlTemplates(Dialect.SQLITE, "coda_tasks") {
        };
        var row = templates.sql("SELECT state, " + StoredState.LATER + " FROM (SELECT :state AS state, :run_at AS run_at)");
        var now = Instant.now();
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"))) {
            assertThat(publicState(connection, row, QUEUED, now.plusSeconds(60))).isEqualTo(DurableState.SCHEDULED);
            assertThat(publicState(connection, row, QUEUED, now.minusSeconds(1))).isEqualTo(DurableState.QUEUED);
            assertThat(publicState(connection, row, QUEUED, null)).isEqualTo(DurableState.QUEUED);
            assertThat(publicState(connection, row, RUNNING, now.plusSeconds(60))).isEqualTo(DurableState.RUNNING);
        }
        var mapped = new ArrayList<DurableState>();
        for (var state : StoredState.values()) {
            mapped.add(state.toPublic(false));
        }
        mapped.add(QUEUED.toPublic(true));
        assertThat(mapped).containsExactlyInAnyOrder(DurableState.values());
    }

    private static DurableState publicState(Connection connection, Sql row, StoredState state, Instant runAt) throws SQLException {
        try (var statement = row.prepare(connection)) {
            statement.string("state", state.stored());
            statement.time("run_at", runAt);
            try (var rows = statement.query()) {
                assertThat(rows.next()).isTrue();
                return StoredState.ofRow(rows);
            }
        }
    }

    /** The first migration's CHECK is frozen (a released migration is never edited): it must list every state. */
    @Test
    void theFirstMigrationsCheckListsEveryStoredState() {
        var expected = "state IN (" + StoredState.literals(EnumSet.allOf(StoredState.class)) + ")";
        for (var migrations : new Object[] {Migrations.sqlite(), Migrations.postgres("s", "c")}) {
            assertThat(((java.util.List<?>) migrations).get(0).toString()).containsIgnoringCase(expected);
        }
        assertThat(Arrays.stream(StoredState.values()).map(StoredState::stored)).doesNotHaveDuplicates();
    }
}
