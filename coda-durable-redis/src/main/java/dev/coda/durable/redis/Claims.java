package dev.coda.durable.redis;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.internal.ContextColumn;
import dev.coda.durable.redis.Scripts.Script;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's side of the leases: claim ({@code claim.lua} a queue, the queues in turn), extend and release. A lease is
 * an exact deadline in the queue's {@code leases} sorted set, on Redis's clock; the stream entry's pending state only
 * says which consumer holds it (moved with {@code XCLAIM} on a recovery), since idle time cannot hold a 300 ms lease
 * of one claim next to a 30 s lease of another.
 *
 * <pre>{@code
 * List<ClaimedTask> tasks = claims.claim("worker-1", List.of("default"), 10, Duration.ofSeconds(30), null);
 * }</pre>
 */
final class Claims {

    private final RedisLink link;
    private final Keys keys;
    private final Directory directory;
    private final Enqueue enqueue;
    private final AtomicInteger rotation = new AtomicInteger();

    Claims(RedisLink link, Keys keys, Directory directory, Enqueue enqueue) {
        this.link = link;
        this.keys = keys;
        this.directory = directory;
        this.enqueue = enqueue;
    }

    /** Claims up to {@code max} tasks, the queues in turn (starting with a different one each time). */
    List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease, Instant dueBy) {
        if (max <= 0 || queues.isEmpty()) {
            return List.of();
        }
        var order = new ArrayList<>(queues);
        if (order.size() > 1) {
            Collections.rotate(order, rotation.getAndIncrement() % order.size());
        }
        var out = new ArrayList<ClaimedTask>();
        for (var queue : order) {
            int room = max - out.size();
            if (room <= 0) {
                break;
            }
            List<List<String>> claimed = link.await(Scripts.run(Script.CLAIM, link.commands(), ScriptOutputType.MULTI,
                    new String[] {keys.queue(queue)}, workerId, Integer.toString(room), micros(lease),
                    dueBy == null ? "0" : Micros.of(dueBy)), "claim tasks of queue " + queue);
            for (var row : claimed) {
                out.add(new ClaimedTask(row.get(0), row.get(1), queue, row.get(2), Integer.parseInt(row.get(3)),
                        Integer.parseInt(row.get(4)), row.get(5).isEmpty() ? null : row.get(5),
                        row.get(6).isEmpty() ? null : Duration.ofMillis(Long.parseLong(row.get(6))),
                        ContextColumn.parse(row.get(7)), row.get(8).isEmpty() ? null : Micros.toInstant(row.get(8))));
            }
        }
        return out;
    }

    List<String> extend(String workerId, Collection<String> ids, Duration lease) {
        var what = "extend the leases of " + ids.size() + " task(s)";
        var held = new ArrayList<String>();
        for (var entry : directory.byQueue(ids, what).entrySet()) {
            var args = new ArrayList<String>();
            args.add(workerId);
            args.add(micros(lease));
            args.addAll(entry.getValue());
            List<String> extended = link.await(Scripts.run(Script.EXTEND, link.commands(), ScriptOutputType.MULTI,
                    new String[] {keys.queue(entry.getKey())}, args.toArray(String[]::new)), what);
            held.addAll(extended);
        }
        return held;
    }

    void release(String workerId, Collection<String> ids) {
        var what = "release " + ids.size() + " task(s)";
        long released = 0;
        for (var entry : directory.byQueue(ids, what).entrySet()) {
            var args = new ArrayList<String>();
            args.add(workerId);
            args.addAll(entry.getValue());
            Long count = link.await(Scripts.run(Script.RELEASE, link.commands(), ScriptOutputType.INTEGER,
                    new String[] {keys.queue(entry.getKey())}, args.toArray(String[]::new)), what);
            released += count;
        }
        if (released > 0) {
            enqueue.stored();
        }
    }

    private static String micros(Duration duration) {
        return Long.toString(duration.toNanos() / 1000);
    }
}
