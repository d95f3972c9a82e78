package dev.coda.tasks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool of task threads: few threads for short jobs, more when every thread is stuck, none left idle for long. */
class TaskThreadsPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CORES = Math.max(2, Runtime.getRuntime().availableProcessors());

    private TaskThreads threads;

    @AfterEach
    void close() {
        if (threads != null) {
            threads.close();
        }
    }

    @Test
    void aBurstOfShortJobsRunsOnAboutOneThreadPerCoreNotAThreadPerJob() throws InterruptedException {
        threads = new TaskThreads("burst-", Duration.ofSeconds(60), 0);
        var done = new CountDownLatch(20_000);

        for (int i = 0; i < 20_000; i++) {
            threads.execute(done::countDown);
        }

        assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(threads.threads()).as("threads for 20,000 short jobs").isLessThanOrEqualTo(4 * CORES);
    }

    @Test
    void jobsQueuedBehindThreadsThatAreAllBlockedRunOnceThePoolGrows() throws InterruptedException {
        threads = new TaskThreads("stall-", Duration.ofSeconds(60), 0, Duration.ofMillis(10));
        var release = new CountDownLatch(1);
        var blocked = new CountDownLatch(4 * CORES);
        for (int i = 0; i < 4 * CORES; i++) {
            threads.execute(() -> {
                blocked.countDown();
                awaitQuietly(release);
            });
        }
        assertThat(blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the blocked jobs all started").isTrue();
        var ran = new CountDownLatch(100);

        for (int i = 0; i < 100; i++) {
            threads.execute(ran::countDown);
        }

        assertThat(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("run while the others stay blocked").isTrue();
        assertThat(release.getCount()).isEqualTo(1);
        release.countDown();
    }

    @Test
    void anInterruptMeantForAJobNeverReachesTheNextJobOnTheSameThread() throws InterruptedException {
        threads = new TaskThreads("interrupt-", Duration.ofSeconds(60), 0);
        var startedInterrupted = new AtomicInteger();
        var done = new CountDownLatch(2_000);

        for (int i = 0; i < 2_000; i++) {
            threads.execute(() -> {
                if (Thread.currentThread().isInterrupted()) {
                    startedInterrupted.incrementAndGet();
                }
                Thread.currentThread().interrupt();       // left set by the job, as an interrupted task leaves it
                done.countDown();
            });
        }

        assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(startedInterrupted).hasValue(0);
    }

    @Test
    void aJobThatThrowsLeavesThePoolWorking() throws InterruptedException {
        threads = new TaskThreads("throws-", Duration.ofSeconds(60), 0);
        var uncaught = new CountDownLatch(1);
        var previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> uncaught.countDown());
        try {
            threads.execute(() -> {
                throw new IllegalStateException("a bug in a job");
            });
            assertThat(uncaught.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("reported as uncaught").isTrue();
            var ran = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                threads.execute(ran::countDown);
            }
            assertThat(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void threadsIdleForTheirKeepAliveEnd() throws InterruptedException {
        threads = new TaskThreads("idle-", Duration.ofMillis(100), 0);
        var done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            threads.execute(done::countDown);
        }
        assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        await().atMost(WAIT).until(() -> threads.threads() == 0);

        var again = new CountDownLatch(1);
        threads.execute(again::countDown);
        assertThat(again.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a new thread for new work").isTrue();
    }

    @Test
    void closedItRefusesNewWorkAndItsThreadsEnd() {
        threads = new TaskThreads("closed-", Duration.ofSeconds(60), 0);
        threads.execute(() -> { });

        threads.close();

        assertThatThrownBy(() -> threads.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        await().atMost(WAIT).until(() -> threads.threads() == 0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
