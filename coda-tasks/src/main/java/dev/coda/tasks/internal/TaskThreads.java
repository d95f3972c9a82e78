package dev.coda.tasks.internal;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform threads that run task bodies, apart from the virtual-thread scheduler that runs request
 * handlers. A virtual thread keeps its carrier while it is blocked in file I/O or a native call, or busy
 * on the CPU, and the scheduler has only as many carriers as cores: tasks on virtual threads could take
 * every carrier and stall all requests. On platform threads a blocked task holds only its own thread, and
 * the operating system shares the CPU between busy tasks and request handlers, in favour of the request
 * handlers where the threads' priority can be lowered ({@link Niceness}).
 *
 * <p>Threads are made on demand and reused; one idle for {@code keepAlive} ends. There is no bound here:
 * callers bound what they hand over (the task runtime's concurrency, a worker's). Not part of Coda's API.
 *
 * <pre>{@code
 * var threads = new TaskThreads("coda-task-", Duration.ofSeconds(60), 10);
 * threads.execute(() -> sendMail(to));      // on coda-task-0, or an idle thread of the pool
 * threads.close();                          // idle threads end; running ones finish their work
 * }</pre>
 */
public final class TaskThreads implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;

    /**
     * @param namePrefix threads are named with it and a number from 0
     * @param keepAlive how long an idle thread waits for work before it ends
     * @param niceness added to each thread's nice value where {@link Niceness} can (0: none), so that busy tasks
     *     yield the CPU to request threads
     */
    public TaskThreads(String namePrefix, Duration keepAlive, int niceness) {
        var number = new AtomicLong();
        // A direct hand-off: a thread waiting for work takes it, or a new thread is made; nothing queues here.
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAlive.toNanos(), TimeUnit.NANOSECONDS, new SynchronousQueue<>(),
                runnable -> {
                    var thread = new Thread(() -> {
                        Niceness.lowerCurrentThread(niceness);
                        runnable.run();
                    }, namePrefix + number.getAndIncrement());
                    thread.setDaemon(true);       // like virtual threads: tasks are drained explicitly, never by the JVM's exit
                    return thread;
                });
    }

    /** Runs {@code work} on an idle thread of the pool, or on a new one. */
    @Override
    public void execute(Runnable work) {
        pool.execute(work);
    }

    /** The threads alive now, running or idle. */
    public int threads() {
        return pool.getPoolSize();
    }

    /** Accepts no more work; idle threads end at once, running ones when their work returns. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
