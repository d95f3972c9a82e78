package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskEngineException;
import dev.coda.testsupport.OwnRabbit;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker dies, or freezes as in a partition, under callers storing tasks: every call that fails says the engine is
 * unavailable (callers answer 503, not 500), within a bounded time, and the same engine stores tasks again once the
 * broker is back (the client's automatic recovery). On a RabbitMQ node of the test's own ({@link OwnRabbit}).
 */
class RabbitOutageTest {

    /** The longest a call may take while the broker is away: the confirm timeout (2 s) with room for a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private OwnRabbit broker;

    @AfterEach
    void removeBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private TaskEngine open() {
        return open("");
    }

    /** An engine on the test's broker and a SQLite store, with more URL parameters ({@code &name=value...}). */
    private TaskEngine open(String parameters) {
        var store = URLEncoder.encode("jdbc:sqlite:" + dir.resolve("tasks.db"), StandardCharsets.UTF_8);
        return TaskEngine.fromUrl(broker.url("outage") + "&store=" + store + parameters);
    }

    private static NewTask task(int n) {
        return new NewTask("Jobs.x", "[" + n + "]", "default", 0, null, null, 3);
    }

    /** Four callers storing tasks until stopped; their failures and the longest call. */
    private static final class Callers {
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong longestNanos = new AtomicLong();
        final CountDownLatch firstStores = new CountDownLatch(20);
        final List<Thread> threads = new ArrayList<>();

        Callers(TaskEngine engine) {
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        long started = System.nanoTime();
                        try {
                            engine.enqueue(List.of(task(n)));
                            firstStores.countDown();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                        longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                    }
                }));
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (var thread : threads) {
                thread.join();
            }
        }
    }

    private static void assertAllUnavailable(Callers callers) {
        assertThat(callers.failures).as("calls failed while the broker was away").isNotEmpty();
        assertThat(callers.failures).as("every failure says the broker is unavailable (a 503), none is a 500")
                .allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(TaskEngineException.class,
                        f -> assertThat(f.unavailable()).as("%s", chain(f)).isTrue()));
        assertThat(Duration.ofNanos(callers.longestNanos.get())).as("no call waited unbounded").isLessThan(BOUND);
    }

    @Test
    void callsInFlightWhenTheBrokerDiesFailAsUnavailableAndTheEngineStoresAgainOnceItIsBack() throws Exception {
        broker = OwnRabbit.start();
        try (var engine = open()) {
            var callers = new Callers(engine);
            callers.firstStores.await();
            broker.crash();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> callers.failures.size() >= 10);
            callers.stop();
            assertAllUnavailable(callers);

            broker.restart();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> engine.enqueue(List.of(task(-1))).size() == 1);
        }
    }

    @Test
    void callsWhileTheBrokerIsFrozenFailAsUnavailableWithinBoundsAndGoOnAfterTheThaw() throws Exception {
        broker = OwnRabbit.start();
        try (var engine = open()) {
            var callers = new Callers(engine);
            callers.firstStores.await();
            broker.freeze();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> callers.failures.size() >= 4);
            } finally {
                broker.thaw();
            }
            callers.stop();
            assertAllUnavailable(callers);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> engine.enqueue(List.of(task(-1))).size() == 1);
        }
    }

    @Test
    void withBackgroundConfirmsATaskWhoseMessageTheBrokerNeverConfirmedIsPublishedAgainBySweeper() throws Exception {
        broker = OwnRabbit.start();
        // classic queues: after this crash a basic.get on a quorum queue of the restarted node went unanswered (RabbitMQ 3.10)
        try (var engine = open("&confirm=background&queue-type=classic")) {
            var first = engine.enqueue(List.of(task(1))).get(0); // queues declared, channel open
            broker.freeze(); // the broker reads nothing more: the next publish is never confirmed
            long started = System.nanoTime();
            String unconfirmed;
            try {
                unconfirmed = engine.enqueue(List.of(task(2))).get(0);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("returned without the confirm").isLessThan(BOUND);
            } finally {
                broker.crash(); // frozen, then killed: the publish it never read is lost
            }
            broker.restart();

            // the task's dispatch mark was never cleared: a sweeper publishes it after its grace period; claimed by a fresh
            // engine (its own connection, not one recovering)
            try (var other = open("&queue-type=classic")) {
                var claimed = claimUntil(other, unconfirmed);
                assertThat(claimed).as("each claimed once (the first too: confirmed before the freeze, or published again)").doesNotHaveDuplicates()
                        .contains(unconfirmed).isSubsetOf(first, unconfirmed);
            }
        }
    }

    @Test
    void withBackgroundConfirmsATaskStoredWhileTheBrokerIsDownIsAcceptedAndRunsOnceItIsBack() throws Exception {
        broker = OwnRabbit.start();
        try (var engine = open("&confirm=background&queue-type=classic")) {
            var first = engine.enqueue(List.of(task(1))).get(0); // queues declared, channel open
            broker.crash();
            long started = System.nanoTime();
            var stored = engine.enqueue(List.of(task(2))).get(0); // the store holds it: the outbox cannot send it
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("accepted without the broker").isLessThan(BOUND);
            assertThat(engine.status(stored)).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(DurableState.QUEUED));
            broker.restart();

            try (var other = open("&queue-type=classic")) {
                var claimed = claimUntil(other, stored);
                assertThat(claimed).as("published by a sweeper once the broker was back, claimed once").doesNotHaveDuplicates()
                        .contains(stored).isSubsetOf(first, stored);
            }
        }
    }

    /** Claims from {@code engine}'s default queue until {@code id} came (a minute at most); every id claimed, in order. */
    private static List<String> claimUntil(TaskEngine engine, String id) {
        var claimed = new ArrayList<String>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            engine.claim("w", List.of("default"), 10, Duration.ofSeconds(30)).forEach(t -> claimed.add(t.id()));
            return claimed.contains(id);
        });
        return claimed;
    }

    private static String chain(Throwable e) {
        var out = new StringBuilder();
        for (var cause = e; cause != null; cause = cause.getCause()) {
            out.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append(" <- ");
        }
        return out.toString();
    }
}
