package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.coda.durable.testing.ManualWorker;
import dev.coda.durable.testing.SettableClock;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TaskOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A manual worker on SQLite and PostgreSQL: one claim → run → commit cycle per {@code runDue()}, on a settable clock, so
 * that delays and retries are specified without waiting.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class ManualWorkerTest extends EngineTestBase {

    /** No jitter: a retry is due exactly one minute, then two, after its failure. */
    private static final RetryPolicy ONE_MINUTE_DOUBLING = new RetryPolicy(3, Duration.ofMinutes(1), 2.0, Duration.ofHours(1), 0);

    private final String key = UUID.randomUUID().toString();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SettableClock clock = new SettableClock();
    private DurableTasks durable;
    private ManualWorker worker;

    @BeforeEach
    void startWorker() {
        durable = DurableTasks.on(engine)
                .task(Jobs::add).task(Jobs::note).task(Jobs::alwaysFail).task(Jobs::flaky).task(Jobs::block)
                .retry(ONE_MINUTE_DOUBLING)
                .build();
        worker = durable.worker().clock(clock).meterRegistry(registry).startManual();
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private double count(String meter, String task) {
        return registry.find(meter).tag("task", task).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aQueuedTaskRunsOnRunDueWhichReturnsItsCommittedOutcome() {
        var id = durable.enqueue(TaskCall.of(Jobs::add, 2, 3));

        var ran = worker.runDue();

        assertThat(ran).extracting(TaskStatus::id).containsExactly(id);
        assertThat(ran.get(0).state()).isEqualTo(DurableState.SUCCEEDED);
        assertThat(ran.get(0).result()).isEqualTo("5");
        assertThat(durable.status(id).orElseThrow().state()).as("committed before runDue returned").isEqualTo(DurableState.SUCCEEDED);
        assertThat(worker.runDue()).as("nothing is left to run").isEmpty();
    }

    @Test
    void aDelayedTaskRunsOnlyOnceTheClockReachesItsRunTime() {
        var runAt = clock.instant().plus(Duration.ofHours(1));
        var id = durable.enqueue(TaskCall.of(Jobs::note, key, 1).withOptions(new TaskOptions("default", 0, runAt, null, 0)));

        assertThat(worker.runDue()).isEmpty();
        clock.advance(Duration.ofMinutes(59));
        assertThat(worker.runDue()).as("a minute early").isEmpty();
        assertThat(Jobs.recorded(key)).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        assertThat(worker.runDue()).extracting(TaskStatus::id, TaskStatus::state).containsExactly(tuple(id, DurableState.SUCCEEDED));
        assertThat(Jobs.recorded(key)).containsExactly(1);
    }

    @Test
    void aFailingTaskIsRetriedOnlyOnceTheClockPassesThePolicysDelayThenFailsWithItsStackTrace() {
        var id = durable.enqueue(TaskCall.of(Jobs::alwaysFail, key));

        var first = worker.runDue().get(0);
        assertThat(first.state()).isEqualTo(DurableState.SCHEDULED);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.runAt()).as("the clock's now plus the first delay").isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(first.lastError()).startsWith("java.lang.IllegalStateException: always failing");

        clock.advance(Duration.ofSeconds(59));
        assertThat(worker.runDue()).as("a second early").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        var second = worker.runDue().get(0);
        assertThat(second.attempts()).isEqualTo(2);
        assertThat(second.runAt()).as("the delay doubled").isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));

        clock.advance(Duration.ofMinutes(2));
        var failed = worker.runDue().get(0);
        assertThat(failed.id()).isEqualTo(id);
        assertThat(failed.state()).as("its attempts are used up").isEqualTo(DurableState.FAILED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).contains("\tat dev.coda.durable.Jobs.alwaysFail(Jobs.java:");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(Jobs.attempts(key)).hasSize(3);
        assertThat(count("coda.tasks.retries", "Jobs.alwaysFail")).isEqualTo(2);
        assertThat(count("coda.tasks.started", "Jobs.alwaysFail")).isEqualTo(3);
        assertThat(registry.find("coda.tasks.failures").tag("reason", "error").counter().count()).isEqualTo(1);

        clock.advance(Duration.ofDays(1));
        assertThat(worker.runDue()).as("a failed task never runs again").isEmpty();
    }

    @Test
    void aTaskThatFailsAndThenSucceedsKeepsItsLastError() {
        var id = durable.enqueue(TaskCall.of(Jobs::flaky, key, 1));

        assertThat(worker.runDue().get(0).state()).isEqualTo(DurableState.SCHEDULED);
        clock.advance(Duration.ofMinutes(1));
        var succeeded = worker.runDue().get(0);

        assertThat(succeeded.id()).isEqualTo(id);
        assertThat(succeeded.state()).isEqualTo(DurableState.SUCCEEDED);
        assertThat(succeeded.result()).isEqualTo("\"ok after 2\"");
        assertThat(succeeded.lastError()).contains("flaky failure 1");
    }

    @Test
    void purgeDeletesTasksThatFinishedLongerAgoThanItsAgeOnTheDurableTasksClock() {
        var purging = DurableTasks.on(engine).task(Jobs::add).clock(clock).build();
        var done = purging.enqueue(TaskCall.of(Jobs::add, 1, 1));
        var waiting = purging.enqueue(TaskCall.of(Jobs::add, 2, 2).withOptions(new TaskOptions("default", 0,
                clock.instant().plus(Duration.ofDays(30)), null, 0)));
        assertThat(worker.runDue()).extracting(TaskStatus::id).containsExactly(done);

        assertThat(purging.purge(Duration.ofDays(1))).as("finished a moment ago").isZero();
        clock.advance(Duration.ofDays(2));
        assertThat(purging.purge(Duration.ofDays(1))).as("finished two days ago on the clock").isEqualTo(1);
        assertThat(purging.status(done)).isEmpty();
        assertThat(purging.status(waiting)).as("not finished: never purged").isPresent();
    }

    @Test
    void aWorkerTakesItsDurableTasksClockUnlessGivenItsOwn() {
        var onClock = DurableTasks.on(engine).task(Jobs::note).clock(clock).build();
        var id = onClock.enqueue(TaskCall.of(Jobs::note, key, 1).withOptions(new TaskOptions("default", 0,
                clock.instant().plus(Duration.ofHours(1)), null, 0)));
        try (var second = onClock.worker().startManual()) {
            assertThat(second.runDue()).as("due in an hour on the clock").isEmpty();
            clock.advance(Duration.ofHours(1));
            assertThat(second.runDue()).extracting(TaskStatus::id).containsExactly(id);
        }
    }

    @Test
    void anUnknownTaskNameFailsAtOnceWithoutRunning() {
        var id = engine.enqueue(List.of(new TaskEngine.NewTask("Nope.nothing", "[]", "default", 0, null, null, 5))).get(0);

        var failed = worker.runDue().get(0);

        assertThat(failed.id()).isEqualTo(id);
        assertThat(failed.state()).isEqualTo(DurableState.FAILED);
        assertThat(failed.attempts()).as("not retried").isEqualTo(1);
        assertThat(failed.lastError()).startsWith("unknown task name 'Nope.nothing'").endsWith("not run");
        assertThat(registry.find("coda.tasks.failures").tag("reason", "unknown_task").counter().count()).isEqualTo(1);
    }

    @Test
    void aClockBehindTheDatabasesNeverHidesADueTask() {
        clock.set(Instant.parse("2001-01-01T00:00:00Z"));
        var id = durable.enqueue(TaskCall.of(Jobs::add, 1, 1));

        assertThat(worker.runDue()).extracting(TaskStatus::id).containsExactly(id);
    }

    @Test
    void aTimeoutIsMeasuredOnTheWallClockAndInterruptsTheTask() {
        // the gate is never opened: only the timeout ends the task
        var id = durable.enqueue(TaskCall.of(Jobs::block, key)
                .withOptions(new TaskOptions("default", 0, null, null, 1, Duration.ofMillis(100))));

        var failed = worker.runDue().get(0);

        assertThat(failed.id()).isEqualTo(id);
        assertThat(failed.state()).isEqualTo(DurableState.FAILED);
        assertThat(failed.lastError()).startsWith("java.util.concurrent.TimeoutException: durable task Jobs.block timed out after 100 ms");
        await().until(() -> Jobs.recorded(key).contains("interrupted"));
        assertThat(Jobs.recorded(key)).containsExactly("start", "interrupted");
    }
}
