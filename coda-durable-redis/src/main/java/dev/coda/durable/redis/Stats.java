package dev.coda.durable.redis;

import dev.coda.durable.internal.StatsCells;
import dev.coda.durable.internal.StatsCells.Cell;
import dev.coda.durable.internal.StatsCells.Metric;
import dev.coda.durable.redis.Scripts.Script;
import dev.coda.durable.spi.TaskStats;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The stats roll-up on Redis: a hash a minute ({@code <prefix>:{<prefix>}:stats:<minute>}), a field a {@link Cell} of
 * that minute ({@code metric,bucket,<length of queue>,<queue><name>}), added to with {@code HINCRBY} in one script,
 * which also drops the hashes of minutes before the first to keep (listed in a sorted set, so dropping touches only
 * them).
 *
 * <pre>{@code
 * stats.record(entries, now.minus(TaskStats.DEFAULT_RETENTION));
 * }</pre>
 */
final class Stats implements TaskStats {

    private final RedisLink link;
    private final Keys keys;

    Stats(RedisLink link, Keys keys) {
        this.link = link;
        this.keys = keys;
    }

    @Override
    public void record(List<Entry> entries, Instant keepFrom) {
        var args = new ArrayList<String>();
        args.add(Long.toString(StatsCells.minuteOf(keepFrom)));
        for (var cell : StatsCells.of(entries)) {
            args.add(Long.toString(cell.minute()));
            args.add(cell.metric().stored() + "," + cell.bucket() + "," + cell.queue().length() + "," + cell.queue() + cell.name());
            args.add(Long.toString(cell.count()));
        }
        link.await(Scripts.run(Script.STATS, link.commands(), ScriptOutputType.INTEGER, new String[] {keys.stats()},
                args.toArray(String[]::new)), "record " + entries.size() + " task stats entries");
    }

    @Override
    public List<Entry> read(Instant from, Instant to, String queue, String name) {
        var what = "read task stats";
        long first = StatsCells.minuteFrom(from);
        long end = StatsCells.minuteFrom(to);
        if (end <= first) {
            return List.of();
        }
        var minutes = link.await(link.commands().zrangebyscore(keys.stats() + ":minutes",
                io.lettuce.core.Range.create((double) first, (double) (end - 1))), what);
        var reads = new ArrayList<CompletionStage<Map<String, String>>>();
        for (var minute : minutes) {
            reads.add(link.commands().hgetall(keys.stats() + ":" + minute));
        }
        var hashes = link.awaitAll(reads, what);
        var cells = new ArrayList<Cell>();
        for (int i = 0; i < minutes.size(); i++) {
            long minute = Long.parseLong(minutes.get(i));
            for (var field : hashes.get(i).entrySet()) {
                var cell = cell(minute, field.getKey(), Long.parseLong(field.getValue()));
                if ((queue == null || queue.equals(cell.queue())) && (name == null || name.equals(cell.name()))) {
                    cells.add(cell);
                }
            }
        }
        return StatsCells.entries(cells);
    }

    /** A field {@code metric,bucket,length,<queue><name>} read back. */
    private static Cell cell(long minute, String field, long count) {
        int a = field.indexOf(',');
        int b = field.indexOf(',', a + 1);
        int c = field.indexOf(',', b + 1);
        int length = Integer.parseInt(field.substring(b + 1, c));
        var rest = field.substring(c + 1);
        return new Cell(minute, rest.substring(0, length), rest.substring(length), Metric.parse(field.substring(0, a)),
                Integer.parseInt(field.substring(a + 1, b)), count);
    }
}
