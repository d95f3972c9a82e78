package dev.coda.durable.spi;

import dev.coda.durable.DurableState;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What a dashboard reads and prunes: tasks by state, queue, name and time with keyset paging, counts, purge. An engine
 * answers each from an index (no full scans), whatever the number of tasks it holds.
 *
 * <pre>{@code
 * TaskPage failed = engine.search(TaskQuery.newest(50).inStates(DurableState.FAILED));
 * long queued = engine.counts().get("default").get(DurableState.QUEUED);
 * engine.purge(Set.of(DurableState.SUCCEEDED), Instant.now().minus(Duration.ofDays(7)));
 * }</pre>
 */
public interface TaskSearch {

    /** The tasks {@code query} selects, newest first, one page of them. */
    TaskPage search(TaskQuery query);

    /**
     * How many tasks each queue has in each state (every state of a queue present, zero or not). Cheap with
     * millions of tasks: the live states are counted through their indexes, the final ones kept as counters.
     */
    Map<String, Map<DurableState, Long>> counts();

    /**
     * Deletes the tasks in {@code states} (final states only: succeeded, failed, cancelled) that finished before
     * {@code finishedBefore}; returns how many.
     *
     * @throws IllegalArgumentException if a state is not final
     */
    int purge(Set<DurableState> states, Instant finishedBefore);

    /** The final states, which {@link #purge} accepts. */
    static Set<DurableState> finalStates() {
        return Set.of(DurableState.SUCCEEDED, DurableState.FAILED, DurableState.CANCELLED);
    }
}
