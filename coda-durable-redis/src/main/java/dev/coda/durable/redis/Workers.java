package dev.coda.durable.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.durable.TaskEngineException;
import dev.coda.durable.redis.Scripts.Script;
import dev.coda.durable.spi.WorkerInfo;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The registry of workers: three hashes under the prefix's tag, keyed by worker id: its description (JSON), its start
 * and its last heartbeat (Redis's clock, set by {@code register.lua} and {@code heartbeat.lua}).
 *
 * <pre>{@code
 * workers.register(new WorkerInfo("w1", "host-a", 42, null, null, List.of("default"), 8));
 * }</pre>
 */
final class Workers {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the description holds. */
    record Description(String host, long pid, List<String> queues, int concurrency) {
    }

    private final RedisLink link;
    private final Keys keys;

    Workers(RedisLink link, Keys keys) {
        this.link = link;
        this.keys = keys;
    }

    void register(WorkerInfo worker) {
        String description;
        try {
            description = JSON.writeValueAsString(new Description(worker.host(), worker.pid(), worker.queues(), worker.concurrency()));
        } catch (JsonProcessingException e) {
            throw new TaskEngineException("could not describe worker " + worker.id(), e);
        }
        link.await(Scripts.run(Script.REGISTER, link.commands(), ScriptOutputType.INTEGER,
                new String[] {keys.workers(), keys.started(), keys.beats()}, worker.id(), description), "register worker " + worker.id());
    }

    boolean heartbeat(String workerId) {
        Long known = link.await(Scripts.run(Script.HEARTBEAT, link.commands(), ScriptOutputType.INTEGER,
                new String[] {keys.workers(), keys.beats()}, workerId), "record a heartbeat of worker " + workerId);
        return known == 1;
    }

    boolean deregister(String workerId) {
        var what = "deregister worker " + workerId;
        var removed = link.commands().hdel(keys.workers(), workerId);
        link.commands().hdel(keys.started(), workerId);
        link.commands().hdel(keys.beats(), workerId);
        return link.await(removed, what) == 1;
    }

    List<WorkerInfo> workers() {
        var what = "list workers";
        var described = link.commands().hgetall(keys.workers());
        var started = link.commands().hgetall(keys.started());
        var beats = link.commands().hgetall(keys.beats());
        var startedAt = link.await(started, what);
        var lastBeat = link.await(beats, what);
        var out = new ArrayList<WorkerInfo>();
        for (var entry : new TreeMap<>(link.await(described, what)).entrySet()) {
            Description d;
            try {
                d = JSON.readValue(entry.getValue(), Description.class);
            } catch (JsonProcessingException e) {
                throw new TaskEngineException("could not read the description of worker " + entry.getKey(), e);
            }
            out.add(new WorkerInfo(entry.getKey(), d.host(), d.pid(), Micros.toInstant(startedAt.get(entry.getKey())),
                    Micros.toInstant(lastBeat.get(entry.getKey())), d.queues(), d.concurrency()));
        }
        return out;
    }
}
