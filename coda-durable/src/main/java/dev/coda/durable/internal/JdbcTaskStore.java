package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import dev.coda.durable.spi.TaskStore;
import dev.coda.tasks.internal.TaskIds;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A JDBC engine as the {@link TaskStore} of a broker's engine: the engine's own statements ({@link TaskTable}) plus
 * {@link DispatchTable}'s, in the engine's transactions (what the engine already does, status, search, workers, the
 * broker's engine asks of the engine itself).
 *
 * <pre>{@code
 * TaskStore store = TaskEngine.sqlite(Path.of("coda-tasks.db")).capability(TaskStore.class).orElseThrow();
 * }</pre>
 */
final class JdbcTaskStore implements TaskStore {

    private final JdbcTaskEngine engine;
    private final TaskTable tasks;
    private final DispatchTable dispatch;

    JdbcTaskStore(JdbcTaskEngine engine, TaskTable tasks, DispatchTable dispatch) {
        this.engine = engine;
        this.tasks = tasks;
        this.dispatch = dispatch;
    }

    @Override
    public List<Ready> put(List<NewTask> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        batch.forEach(JdbcTaskEngine::check);
        var withIds = new ArrayList<NewTask>(batch.size());
        for (var t : batch) {
            withIds.add(t.id() != null ? t : new NewTask(t.name(), t.argumentsJson(), t.queue(), t.priority(), t.runAt(),
                    t.uniqueKey(), t.maxAttempts(), TaskIds.next(), t.timeout(), t.context()));
        }
        try {
            // the rows stored now carry their dispatch mark from the insert; a live task's unique key needs no message
            var ids = engine.transaction(JdbcTaskEngine.Wait.REQUEST, connection -> tasks.insert(connection, withIds, true));
            var out = new ArrayList<Ready>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                var task = withIds.get(i);
                out.add(new Ready(ids.get(i), task.queue(), task.priority(), task.runAt(), ids.get(i).equals(task.id())));
            }
            return out;
        } catch (SQLException e) {
            throw engine.failure("store " + batch.size() + " task(s)", e);
        }
    }

    @Override
    public void dispatched(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            engine.statement(connection -> {
                dispatch.dispatched(connection, ids);
                return null;
            });
        } catch (SQLException e) {
            throw engine.failure("record the dispatch of " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public List<Ready> undispatched(Instant markedBefore, int max) {
        try {
            return engine.transaction(connection -> dispatch.undispatched(connection, markedBefore, max));
        } catch (SQLException e) {
            throw engine.failure("find tasks without a message", e);
        }
    }

    @Override
    public Start start(String id, String workerId, Duration lease) {
        try {
            return engine.transaction(connection -> dispatch.start(connection, id, workerId, lease));
        } catch (SQLException e) {
            throw engine.failure("start task " + id, e);
        }
    }

    /**
     * {@inheritDoc} All in one transaction: one commit a claim, not one a message; the queued, due tasks in one statement,
     * the others (recoveries, busy, not due, gone, a second message of one task) one by one.
     */
    @Override
    public List<Start> start(List<String> ids, String workerId, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        try {
            return engine.transaction(connection -> {
                var started = dispatch.startQueued(connection, new HashSet<>(ids), workerId, lease);
                var out = new ArrayList<Start>(ids.size());
                for (var id : ids) {
                    var task = started.remove(id); // a duplicate id's later messages find the task running
                    out.add(task != null ? new Start.Started(task) : dispatch.startOther(connection, id, workerId, lease));
                }
                return out;
            });
        } catch (SQLException e) {
            throw engine.failure("start " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public List<String> extend(String workerId, Collection<String> ids, Duration lease) {
        return engine.extend(workerId, ids, lease);
    }

    @Override
    public Set<String> complete(String workerId, List<Completion> completions) {
        if (completions.isEmpty()) {
            return Set.of();
        }
        var split = CompletionSplit.of(completions);
        var succeeded = split.succeeded();
        var others = split.others();
        try {
            return engine.transaction(connection -> {
                var held = dispatch.held(connection, workerId, completions.stream().map(Completion::id).toList());
                if (!succeeded.isEmpty()) {
                    tasks.succeed(connection, workerId, succeeded);
                }
                if (!others.isEmpty()) {
                    tasks.retryOrFail(connection, workerId, others);
                }
                var retried = new HashSet<String>();
                for (var completion : others) {
                    if (completion instanceof Completion.Retry && held.contains(completion.id())) {
                        retried.add(completion.id());
                    }
                }
                dispatch.mark(connection, retried);
                return held;
            });
        } catch (SQLException e) {
            throw engine.failure("record " + completions.size() + " completion(s)", e);
        }
    }

    @Override
    public Set<String> release(String workerId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        try {
            return engine.transaction(connection -> {
                var held = dispatch.held(connection, workerId, ids);
                if (!held.isEmpty()) {
                    tasks.release(connection, workerId, held);
                }
                return held;
            });
        } catch (SQLException e) {
            throw engine.failure("release " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public Retried retry(String id) {
        try {
            return engine.transaction(JdbcTaskEngine.Wait.REQUEST, connection -> {
                var outcome = tasks.requeue(connection, id);
                return new Retried(outcome, outcome == RetryOutcome.RETRIED ? dispatch.mark(connection, List.of(id)).getFirst() : null);
            });
        } catch (SQLException e) {
            if (engine.isUniqueViolation(e)) {
                return new Retried(RetryOutcome.UNIQUE_KEY_CONFLICT, null);
            }
            throw engine.failure("retry task " + id, e);
        }
    }
}
