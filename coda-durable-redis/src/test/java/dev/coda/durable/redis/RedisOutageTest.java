package dev.coda.durable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskEngineException;
import dev.coda.testsupport.OwnRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away and comes back: calls fail as unavailable (callers answer 503) — those refused while it is down and
 * those cut off in flight when it dies alike — then work again on the same engine. On a Redis of the test's own
 * ({@link OwnRedis}, AOF always), never the shared one.
 */
class RedisOutageTest {

    private OwnRedis server;

    @AfterEach
    void removeServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static NewTask task(int n) {
        return new NewTask("Jobs.x", "[" + n + "]", "default", 0, null, null, 3);
    }

    @Test
    void callsFailAsUnavailableWhileRedisIsDownAndWorkWhenItIsBackWithNothingLost() throws Exception {
        server = OwnRedis.start(OwnRedis.Persistence.AOF_ALWAYS);
        try (TaskEngine engine = TaskEngine.fromUrl(server.url("outage"))) {
            var stored = engine.enqueue(List.of(task(1))).get(0);

            server.crash();
            long started = System.nanoTime();
            assertThatThrownBy(() -> engine.enqueue(List.of(task(2))))
                    .isInstanceOfSatisfying(TaskEngineException.class, e -> assertThat(e.unavailable()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused without waiting for a timeout")
                    .isLessThan(Duration.ofSeconds(3));

            server.restart();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> engine.status(stored).isPresent());
            assertThat(engine.enqueue(List.of(task(3)))).hasSize(1);
            assertThat(engine.claim("w", List.of("default"), 10, Duration.ofSeconds(30))).as("the task stored before the outage (AOF always)")
                    .extracting(TaskEngine.ClaimedTask::argumentsJson).contains("[1]");
        }
    }

    @Test
    void callsInFlightWhenRedisDiesFailAsUnavailableToo() throws Exception {
        server = OwnRedis.start(OwnRedis.Persistence.AOF_ALWAYS);
        try (TaskEngine engine = TaskEngine.fromUrl(server.url("in-flight"))) {
            var stop = new AtomicBoolean();
            var failures = Collections.synchronizedList(new ArrayList<Throwable>());
            var firstStores = new CountDownLatch(50);
            var callers = new ArrayList<Thread>();
            for (int t = 0; t < 4; t++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        try {
                            engine.enqueue(List.of(task(n)));
                            firstStores.countDown();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            firstStores.await();
            server.crash();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> failures.size() >= 20);
            stop.set(true);
            for (var caller : callers) {
                caller.join();
            }
            assertThat(failures).as("every failure says Redis is unavailable (a 503), none is an internal error (a 500)")
                    .allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(TaskEngineException.class,
                            f -> assertThat(f.unavailable()).as("%s", chain(f)).isTrue()));
        }
    }

    private static String chain(Throwable e) {
        var out = new StringBuilder();
        for (var cause = e; cause != null; cause = cause.getCause()) {
            out.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append(" <- ");
        }
        return out.toString();
    }
}
