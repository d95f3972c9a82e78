package dev.coda.durable.internal;

import static dev.coda.durable.internal.StoredState.CANCELLED;
import static dev.coda.durable.internal.StoredState.FAILED;
import static dev.coda.durable.internal.StoredState.QUEUED;
import static dev.coda.durable.internal.StoredState.RUNNING;
import static dev.coda.durable.internal.StoredState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.DurableState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void aQueuedTaskDueLaterIsScheduled() {
        var now = Instant.parse("2026-12-04T10:00:00Z");
        assertThat(QUEUED.toPublic(now.plusSeconds(1), now)).isEqualTo(DurableState.SCHEDULED);
        assertThat(QUEUED.toPublic(now, now)).isEqualTo(DurableState.QUEUED);
        assertThat(QUEUED.toPublic(null, now)).isEqualTo(DurableState.QUEUED);
        assertThat(RUNNING.toPublic(now.plusSeconds(1), now)).isEqualTo(DurableState.RUNNING);
        var mapped = new ArrayList<DurableState>();
        for (var state : StoredState.values()) {
            mapped.add(state.toPublic(false));
        }
        mapped.add(QUEUED.toPublic(true));
        assertThat(mapped).containsExactlyInAnyOrder(DurableState.values());
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
