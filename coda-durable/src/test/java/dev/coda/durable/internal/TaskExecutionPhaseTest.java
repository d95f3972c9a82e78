package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.internal.TaskExecution.Phase;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class TaskExecutionPhaseTest {

    private static EnumSet<Phase> next(Phase from) {
        var allowed = EnumSet.noneOf(Phase.class);
        for (var to : Phase.values()) {
            if (from.mayBecome(to)) {
                allowed.add(to);
            }
        }
        return allowed;
    }

    @Test
    void aBufferedTaskStartsEndsUnstartedOrIsAbandonedARunningOneEndsOrIsAbandoned() {
        assertThat(next(Phase.BUFFERED)).containsExactlyInAnyOrder(Phase.RUNNING, Phase.DONE, Phase.ABANDONED);
        assertThat(next(Phase.RUNNING)).containsExactlyInAnyOrder(Phase.DONE, Phase.ABANDONED);
        assertThat(next(Phase.DONE)).as("final").isEmpty();
        assertThat(next(Phase.ABANDONED)).as("final").isEmpty();
    }
}
