package dev.coda.durable.redis;

import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.redis.Scripts.Script;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Records what became of claimed tasks: one {@code complete.lua} a queue, pipelined. Each script records the outcome,
 * then acknowledges and deletes the stream entry, in one step: an entry is never acknowledged before its outcome is
 * stored, and a worker that lost its lease changes nothing.
 *
 * <pre>{@code
 * completions.complete("worker-1", List.of(new Completion.Succeeded(id, "\"done\"")));
 * }</pre>
 */
final class Completions {

    private final RedisLink link;
    private final Keys keys;
    private final Directory directory;

    Completions(RedisLink link, Keys keys, Directory directory) {
        this.link = link;
        this.keys = keys;
        this.directory = directory;
    }

    void complete(String workerId, List<Completion> completions) {
        var what = "record " + completions.size() + " completion(s)";
        var byId = new HashMap<String, Completion>();
        completions.forEach(c -> byId.put(c.id(), c));
        var pending = new ArrayList<CompletionStage<Long>>();
        for (var entry : directory.byQueue(byId.keySet(), what).entrySet()) {
            var args = new ArrayList<String>();
            args.add(workerId);
            for (var id : entry.getValue()) {
                arguments(byId.get(id), args);
            }
            pending.add(Scripts.run(Script.COMPLETE, link.commands(), ScriptOutputType.INTEGER,
                    new String[] {keys.queue(entry.getKey())}, args.toArray(String[]::new)));
        }
        link.awaitAll(pending, what);
    }

    /** kind, id, text, retry time: as {@code complete.lua} reads them. */
    private static void arguments(Completion completion, List<String> args) {
        switch (completion) {
            case Completion.Succeeded s -> {
                args.add(s.resultJson() == null ? "s" : "r");
                args.add(s.id());
                args.add(s.resultJson() == null ? "" : s.resultJson());
                args.add("");
            }
            case Completion.Failed f -> {
                args.add("f");
                args.add(f.id());
                args.add(f.error() == null ? "" : f.error());
                args.add("");
            }
            case Completion.Retry r -> {
                args.add("q");
                args.add(r.id());
                args.add(r.error() == null ? "" : r.error());
                args.add(Micros.of(r.retryAt()));
            }
        }
    }
}
