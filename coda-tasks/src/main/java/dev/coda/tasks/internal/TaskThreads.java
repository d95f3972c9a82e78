package dev.coda.tasks.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The platform threads that run task bodies, apart from the virtual-thread scheduler that runs request
 * handlers. A virtual thread keeps its carrier while it is blocked in file I/O or a native call, or busy
 * on the CPU, and the scheduler has only as many carriers as cores: tasks on virtual threads could take
 * every carrier and stall all requests. On platform threads a blocked task holds only its own thread, and
 * the operating system shares the CPU between tasks and request handlers.
 *
 * <p>Few threads are fast, many are not (each hand-off to a parked thread is a system call, and hundreds of
 * runnable threads take turns on the cores), so the pool keeps about one thread per core and grows only when
 * work waits while every thread is stuck: when jobs have waited a whole {@code stallAfter} during which no
 * thread took one (they are all blocked, or all busy on long jobs), the pool doubles, up to the number of jobs
 * waiting. Idle threads briefly look for work before they park; one idle for {@code keepAlive} ends. There is
 * no bound on threads here: callers bound what they hand over (the task runtime's concurrency, a worker's).
 *
 * <p>Short jobs run at the request threads' priority, so that a loaded server's tasks keep up with its
 * requests. A job that keeps the CPU busy for more than two looks of the watchdog (about 20 ms by default) is
 * lowered {@code niceness} steps ({@link Niceness}: Linux, JDK 22+), so that a busy task yields the CPU to
 * requests; its thread ends after it, as an unprivileged process cannot raise a thread's priority again, and
 * new work gets a thread at full priority. A lowered thread never takes another job (the watchdog takes the job it
 * measured from the thread, atomically with the thread's ending it), and never starts a thread (a new thread
 * inherits its creator's nice value): every thread of the pool is started by the watchdog, which is never
 * lowered. Not part of Coda's API.
 *
 * <pre>{@code
 * var threads = new TaskThreads("coda-task-", Duration.ofSeconds(60), 10);
 * threads.execute(() -> sendMail(to));      // on coda-task-0, or another thread of the pool
 * threads.close();                          // idle threads end; running ones finish their work
 * }</pre>
 */
public final class TaskThreads implements Executor, AutoCloseable {

    /** Polls of the queue an idle thread makes before it parks: a few microseconds. */
    private static final int SPINS = 64;
    /** A worker's {@code running} once the watchdog has decided to lower its thread. */
    private static final long LOWERED = -1;

    private final String namePrefix;
    private final long keepAliveNanos;
    private final long stallNanos;
    private final int niceness;
    private final int coreThreads;
    private final AtomicLong number = new AtomicLong();

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Parked threads, the most recently parked first: the busiest threads are reused, the others time out. */
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final ThreadMXBean cpuTimes = ManagementFactory.getThreadMXBean();
    private final AtomicInteger live = new AtomicInteger();
    /** Threads looking at the queue before they park: one of them takes new work, nobody needs waking. */
    private final AtomicInteger searching = new AtomicInteger();
    /** A parked thread is being woken to look at the queue; no other is woken meanwhile. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Jobs taken from the queue so far: the watchdog's measure of progress. */
    private final AtomicLong taken = new AtomicLong();
    /** Threads counted in {@code live} that the watchdog is to start. */
    private final AtomicInteger toStart = new AtomicInteger();
    private final Thread watchdog;
    /** The watchdog has ended (closed, nothing queued): a late signal starts its thread itself. */
    private volatile boolean watchdogEnded;
    private volatile boolean closed;

    /**
     * @param namePrefix threads are named with it and a number from 0
     * @param keepAlive how long an idle thread waits for work before it ends
     * @param niceness added to the nice value of a thread whose job keeps the CPU busy, where {@link Niceness} can
     *     (0: never), so that busy tasks yield the CPU to request threads
     */
    public TaskThreads(String namePrefix, Duration keepAlive, int niceness) {
        this(namePrefix, keepAlive, niceness, Duration.ofMillis(10));
    }

    /**
     * @param stallAfter how long jobs may wait while no thread takes one before threads are added; also the watchdog's
     *     period, by which a busy job is recognised
     */
    public TaskThreads(String namePrefix, Duration keepAlive, int niceness, Duration stallAfter) {
        this.namePrefix = namePrefix;
        this.keepAliveNanos = keepAlive.toNanos();
        this.stallNanos = stallAfter.toNanos();
        this.niceness = niceness;
        this.coreThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.watchdog = Thread.ofPlatform().daemon().name(namePrefix + "watchdog").unstarted(this::watch);
        watchdog.start();
    }

    /** Runs {@code work} on a thread of the pool: an idle one, a new one while there are fewer than cores, or the next free. */
    @Override
    public void execute(Runnable work) {
        if (closed) {
            throw new RejectedExecutionException("the task threads are closed");
        }
        queue.offer(work);
        signal();
    }

    /**
     * Makes sure a thread will look at the queue: one is searching it already, one is being woken, an idle one is
     * woken, or the watchdog starts a new one while there are fewer than cores. At most one thread is being woken
     * at a time, so a burst of work does not wake every idle thread (each wake is a system call); the woken one
     * wakes the next if work is left when it takes its own.
     */
    private void signal() {
        if (searching.get() > 0 || !wakePending.compareAndSet(false, true)) {
            return;
        }
        var worker = idle.pollFirst();
        if (worker != null) {
            LockSupport.unpark(worker.thread);
            return;
        }
        wakePending.set(false);
        if (live.get() < coreThreads) {
            live.incrementAndGet();
            toStart.incrementAndGet();
            LockSupport.unpark(watchdog);
            if (watchdogEnded) {
                startRequested();           // only when work races close(): the watchdog has seen nothing queued
            }
        }
    }

    /** The threads alive now, running or idle. */
    public int threads() {
        return live.get();
    }

    /** Accepts no more work; idle threads end at once, running ones when the work queued before has run. */
    @Override
    public void close() {
        closed = true;
        for (var worker : idle) {
            LockSupport.unpark(worker.thread);
        }
        LockSupport.unpark(watchdog);
    }

    /** Starts the threads {@link #signal()} asked for (on the watchdog, but for a signal that races its end). */
    private void startRequested() {
        for (int n = toStart.getAndSet(0); n > 0; n--) {
            startThread();
        }
    }

    /** Starts a thread already counted in {@code live}; on the watchdog, so that it starts at full priority. */
    private void startThread() {
        var worker = new Worker();
        workers.add(worker);
        worker.thread = new Thread(worker::run, namePrefix + number.getAndIncrement());
        worker.thread.setDaemon(true);      // like virtual threads: tasks are drained explicitly, never by the JVM's exit
        worker.thread.start();
    }

    private final class Worker {
        Thread thread;
        /** The thread's kernel id, to lower its priority; -1 when that cannot be done. */
        private volatile long tid = -1;
        /** Jobs started by this thread (only it reads and writes the count). */
        private long jobs;
        /**
         * The number of the job running now (the watchdog sees a long job as the same number twice), 0 between jobs,
         * {@link #LOWERED} once the watchdog has taken the running job's number to lower the thread: whether the
         * job ends first or the thread is lowered is one atomic decision, so a lowered thread takes no other job.
         */
        private final AtomicLong running = new AtomicLong();
        // the watchdog's own notes (only it reads and writes them)
        private long seenJob;
        private long cpuMark = -1;

        void run() {
            if (niceness > 0) {
                tid = Niceness.currentThreadId();
            }
            try {
                for (var job = next(); job != null; job = next()) {
                    running.set(++jobs);
                    try {
                        job.run();
                    } catch (Throwable t) {
                        var handler = Thread.currentThread().getUncaughtExceptionHandler();
                        handler.uncaughtException(Thread.currentThread(), t);
                    }
                    Thread.interrupted();   // an interrupt meant for the job must not reach the next one
                    if (running.getAndSet(0) == LOWERED) {
                        break;              // new work gets a thread at full priority
                    }
                }
            } finally {
                workers.remove(this);
                live.decrementAndGet();
                if (!queue.isEmpty()) {
                    signal();
                }
            }
        }

        /** The next job, waiting for one at most keepAlive; {@code null} when this thread is to end. */
        private Runnable next() {
            var job = queue.poll();
            if (job == null) {
                job = search();
                if (job == null) {
                    return null;
                }
                if (!queue.isEmpty()) {
                    signal();               // more work than this thread: have another look
                }
            }
            taken.incrementAndGet();
            return job;
        }

        /** Spins on the queue, then parks until signalled, at most keepAlive; {@code null} when the thread is to end. */
        private Runnable search() {
            searching.incrementAndGet();
            long deadline = System.nanoTime() + keepAliveNanos;
            try {
                while (true) {
                    Runnable job = null;
                    for (int i = 0; i < SPINS && (job = queue.poll()) == null; i++) {
                        Thread.onSpinWait();
                    }
                    if (job != null) {
                        return job;
                    }
                    // Listed as idle and no longer searching before the last look: work offered since is seen here, or
                    // its signal finds nobody searching and this thread listed, and wakes it.
                    idle.addFirst(this);
                    searching.decrementAndGet();
                    job = queue.poll();
                    boolean woken = false;
                    if (job == null && !closed) {
                        long left = deadline - System.nanoTime();
                        if (left > 0) {
                            LockSupport.parkNanos(this, left);
                        }
                        job = queue.poll();
                    }
                    if (!idle.remove(this)) {
                        woken = true;               // a signal took it from the list to wake it: it is awake now
                        wakePending.set(false);
                    }
                    searching.incrementAndGet();
                    if (job != null) {
                        return job;
                    }
                    if (closed) {
                        return null;
                    }
                    if (!woken && deadline - System.nanoTime() <= 0) {
                        return null;                // idle for keepAlive
                    }
                    if (woken) {
                        deadline = System.nanoTime() + keepAliveNanos;
                    }
                }
            } finally {
                searching.decrementAndGet();
            }
        }
    }

    /**
     * Starts the threads {@link #signal()} asks for, and adds threads when jobs wait while no thread takes any: every
     * thread is blocked (a stalled disk) or busy on a long job. Looks every {@code stallAfter} while the pool has
     * threads; parked while it has none.
     */
    private void watch() {
        try {
            while (!closed || !queue.isEmpty()) {
                startRequested();
                if (live.get() == 0 && queue.isEmpty()) {
                    if (!closed && toStart.get() == 0) {
                        LockSupport.park(this);     // until a signal asks for a thread, or close()
                    }
                    continue;
                }
                watchPeriod();
            }
        } finally {
            watchdogEnded = true;
            startRequested();
        }
    }

    /** Waits {@code stallAfter}, starting the threads asked for meanwhile; then lowers busy jobs, answers a stall. */
    private void watchPeriod() {
        long before = taken.get();
        long end = System.nanoTime() + stallNanos;
        for (long left = stallNanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
            startRequested();           // woken by a signal: the period goes on, so busy jobs are still measured
        }
        if (niceness > 0) {
            lowerBusyJobs();
        }
        if (queue.isEmpty() || taken.get() != before || searching.get() > 0) {
            return;
        }
        if (!idle.isEmpty()) {
            idle.forEach(worker -> LockSupport.unpark(worker.thread));   // work waits beside parked threads: wake them
            return;
        }
        // as many more threads as there are (or as many as wait, if fewer): a stall of many blocked jobs is
        // answered in a few looks, a passing one (a cold start, a long job) costs few threads
        int add = 0;
        for (var it = queue.iterator(); it.hasNext() && add < Math.max(1, live.get()); it.next()) {
            add++;
        }
        live.addAndGet(add);
        for (int i = 0; i < add; i++) {
            startThread();
        }
    }

    /**
     * Lowers the threads whose job has run since the look before the last and used at least half of the last
     * period's CPU time: a busy job, not one that waits (which costs requests nothing).
     */
    private void lowerBusyJobs() {
        for (var worker : workers) {
            long job = worker.running.get();
            if (job <= 0 || worker.tid < 0 || job != worker.seenJob) {
                worker.seenJob = job;
                worker.cpuMark = -1;
                continue;
            }
            long cpu = cpuTimes.getThreadCpuTime(worker.thread.threadId());
            boolean busy = worker.cpuMark >= 0 && cpu - worker.cpuMark >= stallNanos / 2;
            if (busy && worker.running.compareAndSet(job, LOWERED)) {
                Niceness.lower(worker.tid, niceness);   // if the job has ended meanwhile, its thread ends: no harm
            }
            worker.cpuMark = cpu;
        }
    }
}
