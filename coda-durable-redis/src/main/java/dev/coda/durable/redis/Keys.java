package dev.coda.durable.redis;

/**
 * The names of the engine's keys, every one under the prefix. A queue's keys share the hash tag {@code {queue}}, so
 * that the scripts, which touch one queue's keys only, work on Redis Cluster; the engine-wide keys share
 * {@code {prefix}}. The per-queue names below its base are spelled in {@code common.lua} and the scripts.
 *
 * <pre>{@code
 * coda:{default}:t:<id>          hash: a task (name, args, state, attempts, times, result, error, owner, stream entry,
 *                                worker of the last attempt, log: the attempt history as JSON)
 * coda:{default}:ready:<prio>    stream, consumer group "coda": queued tasks of one priority, due now
 * coda:{default}:levels          sorted set: the priorities whose streams may hold entries
 * coda:{default}:delayed         sorted set by run time: scheduled tasks and retries waiting for their time
 * coda:{default}:leases          sorted set by lease deadline: running tasks
 * coda:{default}:ix:<state>      sorted set by creation time: the tasks of a stored state (search)
 * coda:{default}:done:<state>    sorted set by finish time: finished tasks (purge)
 * coda:{default}:counts          hash: tasks per stored state
 * coda:{default}:unique:<key>    string: the id of the live task holding a unique key
 * coda:{coda}:queues             set: the queues that have tasks
 * coda:{coda}:ids                hash: task id -> queue
 * coda:{coda}:workers, :started, :beats   hashes: the registry of workers
 * coda:{coda}:wake               pub/sub channel: tasks were stored
 * }</pre>
 */
record Keys(String prefix) {

    /** The base of a queue's keys, {@code <prefix>:{<queue>}}: the first key of every queue script. */
    String queue(String queue) {
        return prefix + ":{" + queue + "}";
    }

    String task(String queue, String id) {
        return queue(queue) + ":t:" + id;
    }

    /** A queue's index of one stored state, by creation time. */
    String index(String queue, String state) {
        return queue(queue) + ":ix:" + state;
    }

    private String global(String name) {
        return prefix + ":{" + prefix + "}:" + name;
    }

    String queues() {
        return global("queues");
    }

    String ids() {
        return global("ids");
    }

    String workers() {
        return global("workers");
    }

    String started() {
        return global("started");
    }

    String beats() {
        return global("beats");
    }

    String wake() {
        return global("wake");
    }
}
