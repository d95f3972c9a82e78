package dev.coda.durable.redis;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.internal.AttemptLog;
import dev.coda.durable.internal.ContextColumn;
import dev.coda.durable.redis.Scripts.Script;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * A task's state as an application reads and changes it: status, counts, retry, cancel and delete. The stored states are
 * {@code queued, running, succeeded, failed, cancelled}; a queued task whose run time is still to come is
 * {@link DurableState#SCHEDULED}.
 *
 * <pre>{@code
 * Optional<TaskStatus> status = states.status(id);
 * }</pre>
 */
final class TaskStates {

    private final RedisLink link;
    private final Keys keys;
    private final Directory directory;
    private final Enqueue enqueue;

    TaskStates(RedisLink link, Keys keys, Directory directory, Enqueue enqueue) {
        this.link = link;
        this.keys = keys;
        this.directory = directory;
        this.enqueue = enqueue;
    }

    /** The public state of a stored one. */
    static DurableState toPublic(String stored, Instant runAt, Instant now) {
        return switch (stored) {
            case "queued" -> runAt != null && runAt.isAfter(now) ? DurableState.SCHEDULED : DurableState.QUEUED;
            case "running" -> DurableState.RUNNING;
            case "succeeded" -> DurableState.SUCCEEDED;
            case "failed" -> DurableState.FAILED;
            case "cancelled" -> DurableState.CANCELLED;
            default -> throw new IllegalStateException("unknown stored task state: " + stored);
        };
    }

    Optional<TaskStatus> status(String id) {
        var what = "read the status of task " + id;
        var queue = directory.queueOf(id, what);
        if (queue.isEmpty()) {
            return Optional.empty();
        }
        var fields = link.commands().hgetall(keys.task(queue.get(), id));
        var time = link.commands().time(); // pipelined: "scheduled" on the clock a claim compares run_at with
        var f = link.await(fields, what);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        var runAt = Micros.toInstant(f.get("run_at"));
        var timeout = f.get("timeout");
        var state = toPublic(f.get("state"), runAt, Micros.ofTime(link.await(time, what)));
        int attempts = Integer.parseInt(f.get("attempts"));
        var started = Micros.toInstant(f.get("started"));
        var finished = Micros.toInstant(f.get("finished"));
        var history = AttemptLog.read(f.get("log"), AttemptLog.current(f.get("worker"), attempts, started, finished, state,
                f.get("error")));
        return Optional.of(new TaskStatus(id, f.get("name"), f.get("queue"), state, attempts, Integer.parseInt(f.get("max")),
                f.get("args"), Micros.toInstant(f.get("created")), runAt, started, finished, f.get("error"), f.get("result"),
                timeout == null ? null : Duration.ofMillis(Long.parseLong(timeout)), AttemptLog.lastWorker(history), history,
                ContextColumn.parse(f.get("context"))));
    }

    /** One {@code counts.lua} a queue, pipelined: the counters kept by the scripts, and the scheduled ones counted. */
    Map<String, Map<DurableState, Long>> counts() {
        var what = "count tasks";
        var queues = link.await(link.commands().smembers(keys.queues()), what);
        var pending = new TreeMap<String, CompletionStage<List<String>>>();
        for (var queue : queues) {
            pending.put(queue, Scripts.run(Script.COUNTS, link.commands(), ScriptOutputType.MULTI, new String[] {keys.queue(queue)}));
        }
        var out = new TreeMap<String, Map<DurableState, Long>>();
        for (var entry : pending.entrySet()) {
            var answer = link.await(entry.getValue(), what);
            var counts = new EnumMap<DurableState, Long>(DurableState.class);
            for (var state : DurableState.values()) {
                counts.put(state, 0L);
            }
            long scheduled = 0;
            for (int i = 0; i + 1 < answer.size(); i += 2) {
                long n = Long.parseLong(answer.get(i + 1));
                if (answer.get(i).equals("scheduled")) {
                    scheduled = n;
                } else {
                    counts.merge(toPublic(answer.get(i), null, Instant.EPOCH), n, Long::sum);
                }
            }
            counts.put(DurableState.SCHEDULED, scheduled);
            counts.merge(DurableState.QUEUED, -scheduled, Long::sum);
            out.put(entry.getKey(), counts);
        }
        return out;
    }

    RetryOutcome retry(String id) {
        var what = "retry task " + id;
        var outcome = switch ((int) run(Script.REQUEUE, id, what)) {
            case 1 -> RetryOutcome.RETRIED;
            case 2 -> RetryOutcome.UNIQUE_KEY_CONFLICT;
            default -> RetryOutcome.NOT_RETRYABLE;
        };
        if (outcome == RetryOutcome.RETRIED) {
            enqueue.stored();
        }
        return outcome;
    }

    boolean cancel(String id) {
        return run(Script.CANCEL, id, "cancel task " + id) == 1;
    }

    /** {@code delete.lua}, then the task's entry in the directory of ids. */
    boolean delete(String id) {
        var what = "delete task " + id;
        if (run(Script.DELETE, id, what) != 1) {
            return false;
        }
        link.await(link.commands().hdel(keys.ids(), id), what);
        return true;
    }

    /** Runs a script of one task on its queue's keys; 0 when the task is unknown. */
    private long run(Script script, String id, String what) {
        var queue = directory.queueOf(id, what);
        if (queue.isEmpty()) {
            return 0;
        }
        Long done = link.await(Scripts.run(script, link.commands(), ScriptOutputType.INTEGER, new String[] {keys.queue(queue.get())},
                id), what);
        return done;
    }
}
