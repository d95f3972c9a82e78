package dev.coda.durable.redis;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which queue each task is in ({@code <prefix>:{<prefix>}:ids}), since a task's keys live under its queue's hash tag:
 * written before the task is stored, deleted after it is purged, so that a stored task is always found.
 *
 * <pre>{@code
 * Map<String, List<String>> byQueue = directory.byQueue(ids, "complete tasks");
 * }</pre>
 */
final class Directory {

    private final RedisLink link;
    private final Keys keys;

    Directory(RedisLink link, Keys keys) {
        this.link = link;
        this.keys = keys;
    }

    Optional<String> queueOf(String id, String what) {
        return Optional.ofNullable(link.await(link.commands().hget(keys.ids(), id), what));
    }

    /** The known ones of {@code ids}, grouped by queue in their order; unknown ids are left out. */
    Map<String, List<String>> byQueue(Collection<String> ids, String what) {
        var out = new LinkedHashMap<String, List<String>>();
        if (ids.isEmpty()) {
            return out;
        }
        var values = link.await(link.commands().hmget(keys.ids(), ids.toArray(String[]::new)), what);
        for (var value : values) {
            if (value.hasValue()) {
                out.computeIfAbsent(value.getValue(), q -> new java.util.ArrayList<>()).add(value.getKey());
            }
        }
        return out;
    }
}
