package dev.coda.durable.redis;

import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.internal.ContextColumn;
import dev.coda.durable.redis.Scripts.Script;
import dev.coda.tasks.internal.TaskIds;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Stores tasks: the directory entries, then one {@code enqueue.lua} a queue (atomic for that queue's tasks), all
 * pipelined, answered once Redis has applied them; then a wake-up for every engine on the prefix.
 *
 * <pre>{@code
 * List<String> ids = enqueue.store(List.of(new NewTask("Mail.send", "[1]", "mail", 0, null, null, 3)));
 * }</pre>
 */
final class Enqueue {

    private final RedisLink link;
    private final Keys keys;
    private final WakeUps wakeUps;

    Enqueue(RedisLink link, Keys keys, WakeUps wakeUps) {
        this.link = link;
        this.keys = keys;
        this.wakeUps = wakeUps;
    }

    List<String> store(List<NewTask> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        batch.forEach(Enqueue::check);
        var ids = new ArrayList<String>(batch.size());
        var byQueue = new LinkedHashMap<String, List<Integer>>();
        var directory = new HashMap<String, String>();
        for (int i = 0; i < batch.size(); i++) {
            var task = batch.get(i);
            var id = task.id() != null ? task.id() : TaskIds.next();
            ids.add(id);
            directory.put(id, task.queue());
            byQueue.computeIfAbsent(task.queue(), q -> new ArrayList<>()).add(i);
        }
        var what = "store " + batch.size() + " task(s)";
        var commands = link.commands();
        var pending = new ArrayList<CompletionStage<?>>();
        pending.add(commands.hset(keys.ids(), directory));
        pending.add(commands.sadd(keys.queues(), byQueue.keySet().toArray(String[]::new)));
        var scripts = new LinkedHashMap<String, CompletionStage<List<String>>>();
        for (var entry : byQueue.entrySet()) {
            var args = new ArrayList<String>();
            args.add(entry.getKey());
            for (int i : entry.getValue()) {
                arguments(ids.get(i), batch.get(i), args);
            }
            scripts.put(entry.getKey(), Scripts.run(Script.ENQUEUE, commands, ScriptOutputType.MULTI,
                    new String[] {keys.queue(entry.getKey())}, args.toArray(String[]::new)));
        }
        pending.forEach(command -> link.await(command, what));
        var stored = new ArrayList<>(ids);
        var unused = new ArrayList<String>();
        for (var entry : scripts.entrySet()) {
            var answer = link.await(entry.getValue(), what);
            var positions = byQueue.get(entry.getKey());
            for (int k = 0; k < positions.size(); k++) {
                int i = positions.get(k);
                if (!answer.get(k).equals(ids.get(i))) {
                    unused.add(ids.get(i)); // a live task holds the unique key: its id instead
                    stored.set(i, answer.get(k));
                }
            }
        }
        if (!unused.isEmpty()) {
            link.await(commands.hdel(keys.ids(), unused.toArray(String[]::new)), what);
        }
        stored();
        return stored;
    }

    /** Wakes this engine's waiters now and the other engines' through the channel. */
    void stored() {
        wakeUps.signal();
        link.commands().publish(keys.wake(), "");
    }

    private static void arguments(String id, NewTask task, List<String> args) {
        args.add(id);
        args.add(task.name());
        args.add(task.argumentsJson());
        args.add(Integer.toString(task.priority()));
        args.add(task.runAt() == null ? "" : Micros.of(task.runAt()));
        args.add(task.uniqueKey() == null ? "" : task.uniqueKey());
        args.add(Integer.toString(task.maxAttempts()));
        args.add(task.timeout() == null ? "" : Long.toString(task.timeout().toMillis()));
        var context = ContextColumn.write(task.context());
        args.add(context == null ? "" : context);
    }

    private static void check(NewTask task) {
        Objects.requireNonNull(task.name(), "name");
        Objects.requireNonNull(task.argumentsJson(), "argumentsJson");
        if (task.queue() == null || task.queue().isBlank() || task.queue().contains("{") || task.queue().contains("}")) {
            throw new IllegalArgumentException("a task needs a queue, a name without braces: " + task);
        }
        if (task.maxAttempts() < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + task);
        }
    }
}
