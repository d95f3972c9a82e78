package dev.coda.tasks;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the in-process tasks of one {@link TaskRuntime} did lately, as {@link TaskRuntime#recent()} reads it: the tasks
 * running now, the last finished ones and the last failed ones with their error. Each record is a constant-time add
 * (a map entry while a task runs, a slot of a ring once it ends); nothing is kept past the rings' size.
 *
 * <pre>{@code
 * var recent = runtime.recent();
 * recent.failed().forEach(run -> log.info("{} failed at {}: {}", run.name(), run.finished(), run.error()));
 * }</pre>
 *
 * @param running the tasks running now, the longest-running first
 * @param finished the last finished tasks (succeeded, failed or cancelled), the latest first
 * @param failed the last failed tasks, the latest first
 */
public record RecentTasks(List<Run> running, List<Run> finished, List<Run> failed) {

    /** How many finished and how many failed tasks are kept. */
    public static final int KEPT = 50;

    public RecentTasks {
        running = List.copyOf(running);
        finished = List.copyOf(finished);
        failed = List.copyOf(failed);
    }

    /**
     * One in-process task run.
     *
     * <pre>{@code
     * runtime.recent().running().forEach(run -> System.out.println(run.name() + " since " + run.started()));
     * }</pre>
     *
     * @param id the task's id ({@link TaskHandle#id()})
     * @param name the task's name
     * @param state its state when read
     * @param started when it started, or {@code null} if it never ran (cancelled or rejected while queued)
     * @param finished when it ended, or {@code null} while it runs
     * @param error the failure's text ({@code Throwable.toString()}) of a failed or cancelled task, else {@code null}
     */
    public record Run(String id, String name, TaskState state, Instant started, Instant finished, String error) {
    }

    /** The live record a runtime keeps: the hot path only adds to it. */
    static final class Recorder {

        /** A task that has ended, with its times; turned into a {@link Run} only when read. */
        private record Ended(TaskEntry entry, long startedMillis, long finishedMillis) {
        }

        private final InstantSource clock;
        private final Map<TaskEntry, Long> running = new ConcurrentHashMap<>();
        private final Ring finished = new Ring();
        private final Ring failed = new Ring();

        Recorder(InstantSource clock) {
            this.clock = clock;
        }

        /** The task starts running. */
        void started(TaskEntry entry) {
            running.put(entry, clock.millis());
        }

        /** The task has reached a terminal state (whether it ran or not). */
        void ended(TaskEntry entry) {
            Long started = running.remove(entry);
            var ended = new Ended(entry, started == null ? -1 : started, clock.millis());
            finished.add(ended);
            if (entry.state() == TaskState.FAILED) {
                failed.add(ended);
            }
        }

        RecentTasks read() {
            var now = new ArrayList<Run>();
            running.forEach((entry, started) -> now.add(new Run(entry.id(), entry.name(), entry.state(),
                    Instant.ofEpochMilli(started), null, null)));
            now.sort(Comparator.comparing(Run::started));
            return new RecentTasks(now, finished.read(), failed.read());
        }

        private static Run run(Ended ended) {
            var entry = ended.entry();
            var error = entry.state() == TaskState.SUCCEEDED ? null : entry.failure().map(Throwable::toString).orElse(null);
            return new Run(entry.id(), entry.name(), entry.state(),
                    ended.startedMillis() < 0 ? null : Instant.ofEpochMilli(ended.startedMillis()),
                    Instant.ofEpochMilli(ended.finishedMillis()), error);
        }

        /** The last {@link #KEPT} ended tasks: a counter picks the slot, so an add is one increment and one store. */
        private static final class Ring {
            private final AtomicReferenceArray<Ended> slots = new AtomicReferenceArray<>(KEPT);
            private final AtomicLong next = new AtomicLong();

            void add(Ended ended) {
                slots.set((int) (next.getAndIncrement() % KEPT), ended);
            }

            List<Run> read() {
                long end = next.get();
                var runs = new ArrayList<Run>(KEPT);
                for (long i = end - 1; i >= Math.max(0, end - KEPT); i--) {
                    var ended = slots.get((int) (i % KEPT));
                    if (ended != null) {
                        runs.add(run(ended));
                    }
                }
                return runs;
            }
        }
    }
}
