package dev.coda.durable.redis;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task engine on Redis: the SPI's methods, each handed to the class of its concern ({@link Enqueue},
 * {@link Claims}, {@link Completions}, {@link TaskStates}, {@link Searches}, {@link Workers}), which run the Lua scripts
 * of {@link Scripts} on the keys of {@link Keys} through {@link RedisLink}. See docs/engine-redis.md.
 *
 * <pre>{@code
 * TaskEngine engine = RedisEngine.open(RedisUrl.parse("redis://127.0.0.1:6379?prefix=app"));
 * }</pre>
 */
final class RedisEngine implements TaskEngine {

    private final RedisLink link;
    private final Keys keys;
    private final WakeUps wakeUps = new WakeUps();
    private final ThreadLocal<Long> seenGeneration = new ThreadLocal<>();
    private final Enqueue enqueue;
    private final Claims claims;
    private final Completions completions;
    private final TaskStates states;
    private final Searches searches;
    private final Workers workers;
    private final Stats stats;

    private RedisEngine(RedisLink link, Keys keys) {
        this.link = link;
        this.keys = keys;
        var directory = new Directory(link, keys);
        this.enqueue = new Enqueue(link, keys, wakeUps);
        this.claims = new Claims(link, keys, directory, enqueue);
        this.completions = new Completions(link, keys, directory);
        this.states = new TaskStates(link, keys, directory, enqueue);
        this.searches = new Searches(link, keys);
        this.workers = new Workers(link, keys);
        this.stats = new Stats(link, keys);
    }

    /** Connects, and listens on the prefix's wake-up channel. */
    static RedisEngine open(RedisUrl url) {
        var link = RedisLink.open(url);
        try {
            var engine = new RedisEngine(link, new Keys(url.prefix()));
            link.pubSub().addListener(engine.wakeUps);
            link.await(link.pubSub().async().subscribe(engine.keys.wake()), "subscribe to the wake-ups");
            return engine;
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    @Override
    public List<String> enqueue(List<NewTask> tasks) {
        return enqueue.store(tasks);
    }

    @Override
    public Optional<TaskStatus> status(String id) {
        return states.status(id);
    }

    @Override
    public RetryOutcome retryTask(String id) {
        return states.retry(id);
    }

    @Override
    public boolean delete(String id) {
        return states.delete(id);
    }

    @Override
    public boolean cancel(String id) {
        return states.cancel(id);
    }

    @Override
    public List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease) {
        return claim(workerId, queues, max, lease, null);
    }

    @Override
    public List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease, Instant dueBy) {
        seenGeneration.set(wakeUps.generation());
        return claims.claim(workerId, queues, max, lease, dueBy);
    }

    @Override
    public List<String> extend(String workerId, Collection<String> ids, Duration lease) {
        return ids.isEmpty() ? List.of() : claims.extend(workerId, ids, lease);
    }

    @Override
    public void complete(String workerId, List<Completion> list) {
        if (!list.isEmpty()) {
            completions.complete(workerId, list);
        }
    }

    @Override
    public void release(String workerId, Collection<String> ids) {
        if (!ids.isEmpty()) {
            claims.release(workerId, ids);
        }
    }

    /** {@inheritDoc} Wakes on this engine's stores and on any engine's message on the prefix's channel (pub/sub). */
    @Override
    public void awaitWork(Duration timeout) throws InterruptedException {
        var seen = seenGeneration.get();
        wakeUps.awaitPast(seen == null ? wakeUps.generation() : seen, timeout);
        seenGeneration.set(wakeUps.generation());
    }

    @Override
    public TaskPage search(TaskQuery query) {
        return searches.search(query);
    }

    @Override
    public Map<String, Map<DurableState, Long>> counts() {
        return states.counts();
    }

    @Override
    public int purge(Set<DurableState> purged, Instant finishedBefore) {
        return searches.purge(purged, finishedBefore);
    }

    @Override
    public void register(WorkerInfo worker) {
        workers.register(worker);
    }

    @Override
    public boolean heartbeat(String workerId) {
        return workers.heartbeat(workerId);
    }

    @Override
    public boolean deregister(String workerId) {
        return workers.deregister(workerId);
    }

    @Override
    public List<WorkerInfo> workers() {
        return workers.workers();
    }

    /** {@inheritDoc} Also {@link TaskStats}: the stats roll-up in hashes a minute. */
    @Override
    public <C> Optional<C> capability(Class<C> type) {
        return type == TaskStats.class ? Optional.of(type.cast(stats)) : TaskEngine.super.capability(type);
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "TaskEngine[" + link.describe() + "]";
    }
}
