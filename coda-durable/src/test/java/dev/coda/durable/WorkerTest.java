package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TaskOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Workers on SQLite and PostgreSQL: running, binding, results, retries, the failed set, leases, shutdown. */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class WorkerTest extends EngineTestBase {

    private final String key = UUID.randomUUID().toString();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Worker> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        for (var worker : workers) {
            worker.stop(Duration.ofSeconds(5));
        }
    }

    private DurableTasks durable(RetryPolicy policy) {
        return DurableTasks.on(engine)
                .task(Jobs::note).task(Jobs::add).task(Jobs::greet).task(Jobs::echo).task(Jobs::mdc)
                .task(Jobs::flaky).task(Jobs::alwaysFail).task(Jobs::slow).task(Jobs::block)
                .retry(policy)
                .build();
    }

    private DurableTasks durable() {
        return durable(RetryPolicy.exponential(3, Duration.ofMillis(50), Duration.ofSeconds(1)));
    }

    private Worker start(Worker.Builder builder) {
        var worker = builder.pollInterval(Duration.ofMillis(100)).meterRegistry(registry).start();
        workers.add(worker);
        return worker;
    }

    private TaskStatus awaitState(DurableTasks durable, String id, DurableState state) {
        await().until(() -> durable.status(id).orElseThrow().state() == state);
        return durable.status(id).orElseThrow();
    }

    private double count(String meter, String task) {
        var found = registry.find(meter).tag("task", task).counters();
        return found.stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void runsTasksAndStoresTheirResults() throws Exception {
        var durable = durable();
        var order = new Jobs.Order(7, "Ada", Instant.parse("2024-05-01T10:15:30.123Z"), List.of("a", "b"), Optional.empty());
        var sum = durable.enqueue(TaskCall.of(Jobs::add, 2, 3));
        var greeting = durable.enqueue(TaskCall.of(Jobs::greet, "Ada"));
        var echoed = durable.enqueue(TaskCall.of(Jobs::echo, key, order));
        var noted = durable.enqueue(TaskCall.of(Jobs::note, key, 42));
        start(durable.worker().concurrency("default", 4));

        assertThat(awaitState(durable, sum, DurableState.SUCCEEDED).result()).isEqualTo("5");
        assertThat(awaitState(durable, greeting, DurableState.SUCCEEDED).result()).as("a CompletionStage's value").isEqualTo("\"hello Ada\"");
        var echo = awaitState(durable, echoed, DurableState.SUCCEEDED);
        assertThat(new ObjectMapper().readTree(echo.result())).isEqualTo(new ObjectMapper().readTree(
                "{\"id\":7,\"customer\":\"Ada\",\"placedAt\":\"2024-05-01T10:15:30.123Z\",\"items\":[\"a\",\"b\"],\"note\":null}"));
        var note = awaitState(durable, noted, DurableState.SUCCEEDED);
        assertThat(note.result()).as("a void task").isNull();
        assertThat(note.attempts()).isEqualTo(1);
        assertThat(Jobs.recorded(key)).containsExactlyInAnyOrder(order, 42);
        await().until(() -> count("coda.tasks.completed", "Jobs.add") == 1);
        assertThat(count("coda.tasks.started", "Jobs.add")).isEqualTo(1);
        assertThat(registry.find("coda.tasks.runs").tag("task", "Jobs.add").timer().count()).isEqualTo(1);
    }

    @Test
    void tasksRunWithTheirIdNameAndAttemptInTheMdc() {
        var durable = durable();
        var id = durable.enqueue(TaskCall.of(Jobs::mdc, key));
        start(durable.worker());
        awaitState(durable, id, DurableState.SUCCEEDED);
        assertThat(Jobs.recorded(key)).containsExactly(id + "|Jobs.mdc|1");
    }

    @Test
    void aTaskThatFailsAndThenSucceedsKeepsItsLastError() {
        var durable = durable(RetryPolicy.exponential(5, Duration.ofMillis(20), Duration.ofSeconds(1)));
        var id = durable.enqueue(TaskCall.of(Jobs::flaky, key, 2));
        start(durable.worker());
        var status = awaitState(durable, id, DurableState.SUCCEEDED);
        assertThat(status.attempts()).isEqualTo(3);
        assertThat(status.result()).isEqualTo("\"ok after 3\"");
        assertThat(status.lastError()).contains("flaky failure 2");
    }

    @Test
    void aRetryIsScheduledFromTheWorkersClock() {
        var now = Instant.parse("2031-01-01T00:00:00Z"); // years ahead of the database's clock: the retry stays scheduled
        var durable = durable(new RetryPolicy(3, Duration.ofMillis(250), 2.0, Duration.ofSeconds(1), 0));
        var id = durable.enqueue(TaskCall.of(Jobs::alwaysFail, key));
        start(durable.worker().clock(InstantSource.fixed(now)));
        var scheduled = awaitState(durable, id, DurableState.SCHEDULED);

        assertThat(scheduled.attempts()).isEqualTo(1);
        assertThat(scheduled.runAt()).as("the worker's now plus the policy's first delay").isEqualTo(now.plusMillis(250));
        assertThat(scheduled.lastError()).startsWith("java.lang.IllegalStateException: always failing");
    }

    @Test
    void aTasksOwnMaxAttemptsOverridesThePolicy() {
        var durable = durable(RetryPolicy.exponential(5, Duration.ofMillis(20), Duration.ofSeconds(1)));
        var id = durable.enqueue(TaskCall.of(Jobs::alwaysFail, key).withOptions(new TaskOptions("default", 0, null, null, 1)));
        start(durable.worker());
        assertThat(awaitState(durable, id, DurableState.FAILED).attempts()).isEqualTo(1);
        assertThat(Jobs.attempts(key)).hasSize(1);
    }

    @Test
    void anUnknownTaskNameGoesToTheFailedSetWithoutRunning() {
        var durable = durable();
        var id = engine.enqueue(List.of(new TaskEngine.NewTask("Nope.nothing", "[]", "default", 0, null, null, 5))).get(0);
        start(durable.worker());
        var failed = awaitState(durable, id, DurableState.FAILED);
        assertThat(failed.attempts()).as("not retried").isEqualTo(1);
        assertThat(failed.lastError()).startsWith("unknown task name 'Nope.nothing': no task of that name is registered on worker")
                .endsWith("not run");
        await().until(() -> registry.find("coda.tasks.failures").tag("reason", "unknown_task").counter() != null);
        assertThat(registry.find("coda.tasks.failures").tag("reason", "unknown_task").tag("task", "unknown").counter().count()).isEqualTo(1);
    }

    @Test
    void argumentsThatDoNotBindGoToTheFailedSetWithoutRunning() {
        var durable = durable();
        var wrongType = engine.enqueue(List.of(task("Jobs.note", "[\"" + key + "\", \"not a number\"]"))).get(0);
        var wrongCount = engine.enqueue(List.of(task("Jobs.note", "[\"" + key + "\"]"))).get(0);
        var notJson = engine.enqueue(List.of(task("Jobs.note", "[\"" + key + "\", 1"))).get(0);
        var nullPrimitive = engine.enqueue(List.of(task("Jobs.note", "[\"" + key + "\", null]"))).get(0);
        var badRecord = engine.enqueue(List.of(task("Jobs.echo", "[\"" + key + "\", {\"id\": \"seven\"}]"))).get(0);
        start(durable.worker());

        assertThat(awaitState(durable, wrongType, DurableState.FAILED).lastError())
                .startsWith("arguments that do not bind: argument 2 of Jobs.note(java.lang.String, int) does not bind:")
                .endsWith("not run");
        assertThat(awaitState(durable, wrongCount, DurableState.FAILED).lastError())
                .contains("Jobs.note(java.lang.String, int) takes 2 argument(s), the task has 1");
        assertThat(awaitState(durable, notJson, DurableState.FAILED).lastError()).contains("are not valid JSON");
        assertThat(awaitState(durable, nullPrimitive, DurableState.FAILED).lastError()).contains("argument 2 of Jobs.note(java.lang.String, int) is null");
        assertThat(awaitState(durable, badRecord, DurableState.FAILED).lastError()).contains("argument 2 of Jobs.echo");
        for (var id : List.of(wrongType, wrongCount, notJson, nullPrimitive, badRecord)) {
            assertThat(durable.status(id).orElseThrow().attempts()).isEqualTo(1);
        }
        assertThat(Jobs.recorded(key)).as("never run").isEmpty();
        await().until(() -> registry.find("coda.tasks.failures").tag("reason", "bad_arguments").counters().stream()
                .mapToDouble(c -> c.count()).sum() == 5);
    }

    @Test
    void aTaskRunningPastItsTimeoutIsInterruptedAndFails() {
        var durable = durable(RetryPolicy.none());
        var id = durable.enqueue(TaskCall.of(Jobs::block, key));
        start(durable.worker().taskTimeout(Duration.ofMillis(300)));
        var failed = awaitState(durable, id, DurableState.FAILED);
        assertThat(failed.lastError()).startsWith("java.util.concurrent.TimeoutException: durable task Jobs.block timed out after 300 ms");
        await().until(() -> Jobs.recorded(key).contains("interrupted"));
        assertThat(Jobs.recorded(key)).containsExactly("start", "interrupted");
        assertThat(registry.find("coda.tasks.failures").tag("reason", "timeout").counter().count()).isEqualTo(1);
    }

    private static TaskCall withTimeout(TaskCall call, Duration timeout) {
        var options = call.options();
        return call.withOptions(new TaskOptions(options.queue(), options.priority(), options.runAt(), options.uniqueKey(),
                options.maxAttempts(), timeout));
    }

    private void assertStillRunning(DurableTasks durable, String id, String key, Duration during) {
        await().during(during).atMost(during.plusSeconds(5))
                .until(() -> durable.status(id).orElseThrow().state() == DurableState.RUNNING && Jobs.recorded(key).equals(List.of("start")));
    }

    @Test
    void aCallsTimeoutFailsAndRetriesItsTaskWhileATaskWithoutOneRunsToCompletion() {
        var durable = durable();
        var other = key + "-other";
        var timed = durable.enqueue(TaskCall.of(Jobs::block, key)
                .withOptions(new TaskOptions("default", 0, null, null, 2, Duration.ofMillis(300))));
        var untimed = durable.enqueue(TaskCall.of(Jobs::block, other));
        start(durable.worker().concurrency("default", 2));

        var failed = awaitState(durable, timed, DurableState.FAILED);
        assertThat(failed.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(failed.attempts()).as("retried once, then failed for good").isEqualTo(2);
        assertThat(failed.lastError()).startsWith("java.util.concurrent.TimeoutException: durable task Jobs.block timed out after 300 ms");
        await().until(() -> Jobs.recorded(key).size() == 4);
        assertThat(Jobs.recorded(key)).containsExactly("start", "interrupted", "start", "interrupted");
        assertThat(count("coda.tasks.retries", "Jobs.block")).isEqualTo(1);
        assertThat(registry.find("coda.tasks.failures").tag("reason", "timeout").counter().count()).isEqualTo(1);

        assertThat(durable.status(untimed).orElseThrow().state()).as("no timeout: still running").isEqualTo(DurableState.RUNNING);
        Jobs.gate(other).countDown();
        assertThat(awaitState(durable, untimed, DurableState.SUCCEEDED).timeout()).isNull();
        assertThat(Jobs.recorded(other)).containsExactly("start", "end");
    }

    @Test
    void aRegisteredTimeoutAppliesToItsTaskOnly() {
        var durable = DurableTasks.on(engine)
                .task(Jobs::park)
                .timeout(Duration.ofMillis(300), timed -> timed.task(Jobs::block))
                .retry(RetryPolicy.none())
                .build();
        var parked = key + "-parked";
        var blocked = durable.enqueue(TaskCall.of(Jobs::block, key));
        var untimed = durable.enqueue(TaskCall.of(Jobs::park, parked));
        start(durable.worker().concurrency("default", 2));

        var failed = awaitState(durable, blocked, DurableState.FAILED);
        assertThat(failed.lastError()).startsWith("java.util.concurrent.TimeoutException: durable task Jobs.block timed out after 300 ms");
        assertThat(failed.timeout()).as("the call set none").isNull();
        await().until(() -> Jobs.recorded(key).equals(List.of("start", "interrupted")));

        assertThat(durable.status(untimed).orElseThrow().state()).isEqualTo(DurableState.RUNNING);
        Jobs.gate(parked).countDown();
        awaitState(durable, untimed, DurableState.SUCCEEDED);
        assertThat(Jobs.recorded(parked)).containsExactly("start", "end");
    }

    @Test
    void aCallsTimeoutOverridesTheRegisteredOneShorterOrLonger() {
        var durable = DurableTasks.on(engine)
                .timeout(Duration.ofSeconds(1), timed -> timed.task(Jobs::block))
                .retry(RetryPolicy.none())
                .build();
        var longer = key + "-longer";
        var shortened = durable.enqueue(withTimeout(TaskCall.of(Jobs::block, key), Duration.ofMillis(300)));
        var lengthened = durable.enqueue(withTimeout(TaskCall.of(Jobs::block, longer), Duration.ofSeconds(60)));
        start(durable.worker().concurrency("default", 2));

        assertThat(awaitState(durable, shortened, DurableState.FAILED).lastError())
                .startsWith("java.util.concurrent.TimeoutException: durable task Jobs.block timed out after 300 ms");
        assertStillRunning(durable, lengthened, longer, Duration.ofMillis(1200)); // well past the registered second
        Jobs.gate(longer).countDown();
        awaitState(durable, lengthened, DurableState.SUCCEEDED);
        assertThat(Jobs.recorded(longer)).containsExactly("start", "end");
    }

    @Test
    void theWorkersTimeoutAppliesWhenNeitherTheCallNorTheRegistrationSetsOne() {
        var durable = DurableTasks.on(engine)
                .task(Jobs::park)
                .timeout(Duration.ofSeconds(60), timed -> timed.task(Jobs::block))
                .retry(RetryPolicy.none())
                .build();
        var parked = key + "-parked";
        var registered = durable.enqueue(TaskCall.of(Jobs::block, key));
        var neither = durable.enqueue(TaskCall.of(Jobs::park, parked));
        start(durable.worker().concurrency("default", 2).taskTimeout(Duration.ofMillis(300)));

        assertThat(awaitState(durable, neither, DurableState.FAILED).lastError())
                .startsWith("java.util.concurrent.TimeoutException: durable task Jobs.park timed out after 300 ms");
        assertStillRunning(durable, registered, key, Duration.ofMillis(600)); // the registered minute, not the worker's 300 ms
        Jobs.gate(key).countDown();
        awaitState(durable, registered, DurableState.SUCCEEDED);
    }

    @Test
    void aTaskClaimedByADeadWorkerIsRecoveredAfterItsLease() {
        var durable = durable();
        var id = durable.enqueue(TaskCall.of(Jobs::note, key, 1));
        long claimedAt = System.nanoTime();
        assertThat(engine.claim("dead-worker", List.of("default"), 1, Duration.ofMillis(700))).hasSize(1); // then never heartbeats
        start(durable.worker());
        var status = awaitState(durable, id, DurableState.SUCCEEDED);
        long recoveredAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - claimedAt);
        assertThat(recoveredAfter).as("not before the lease ended").isGreaterThanOrEqualTo(700);
        assertThat(status.attempts()).isEqualTo(2);
        assertThat(Jobs.recorded(key)).containsExactly(1);
        assertThat(count("coda.tasks.recoveries", "Jobs.note")).isEqualTo(1);
    }

    @Test
    void aTaskLostDuringItsLastAttemptFailsAsWorkerLost() {
        var durable = durable(RetryPolicy.none());
        var id = durable.enqueue(TaskCall.of(Jobs::note, key, 1));
        engine.claim("dead-worker", List.of("default"), 1, Duration.ofMillis(300));
        start(durable.worker());
        var failed = awaitState(durable, id, DurableState.FAILED);
        assertThat(failed.lastError()).startsWith("worker lost: the lease of worker dead-worker expired during the last allowed attempt (1 of 1)");
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(Jobs.recorded(key)).as("not run again").isEmpty();
        await().until(() -> registry.find("coda.tasks.failures").tag("reason", "worker_lost").counter() != null);
    }

    @Test
    void aSlowTaskWithHeartbeatsIsNotStolenByAnotherWorker() {
        var durable = durable();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            ids.add(durable.enqueue(TaskCall.of(Jobs::slow, key + i, 3000L)));
        }
        // a lease of 1 s, extended every 333 ms, for tasks of 3 s; both workers poll busily for work to steal
        start(durable.worker().workerId("w1").lease(Duration.ofSeconds(1)).concurrency("default", 2));
        start(durable.worker().workerId("w2").lease(Duration.ofSeconds(1)).concurrency("default", 2));
        for (var id : ids) {
            var status = awaitState(durable, id, DurableState.SUCCEEDED);
            assertThat(status.attempts()).as("never taken over").isEqualTo(1);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(Jobs.recorded(key + i)).as("ran once").containsExactly("start", "end");
            assertThat(Jobs.MAX_RUNNING.get(key + i).get()).as("never two at once").isEqualTo(1);
        }
        assertThat(registry.find("coda.tasks.recoveries").counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(count("coda.tasks.started", "Jobs.slow")).isEqualTo(3);
    }

    @Test
    void aWorkerThatLosesItsLeaseStopsTheTask() {
        var durable = durable();
        var id = durable.enqueue(TaskCall.of(Jobs::block, key));
        var first = start(durable.worker().workerId("first").concurrency("default", 1).lease(Duration.ofMillis(900)));
        await().until(() -> Jobs.recorded(key).contains("start"));
        engine.release(first.id(), List.of(id)); // the task is taken away, as a rescuer would
        start(durable.worker().workerId("second"));
        // the second worker runs it; the first finds out at its next heartbeat and interrupts its execution
        await().until(() -> Jobs.recorded(key).contains("interrupted"));
        await().until(() -> Jobs.recorded(key).stream().filter("start"::equals).count() == 2);
        Jobs.gate(key).countDown();
        awaitState(durable, id, DurableState.SUCCEEDED);
        assertThat(Jobs.recorded(key)).containsExactlyInAnyOrder("start", "interrupted", "start", "end");
    }

    @Test
    void gracefulShutdownGivesBackUnstartedTasksAndWaitsForRunningOnes() throws Exception {
        var durable = durable();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            ids.add(durable.enqueue(TaskCall.of(Jobs::block, key + i)));
        }
        var worker = start(durable.worker().concurrency("default", 1).prefetch(2));
        await().until(() -> ids.stream().allMatch(id -> durable.status(id).orElseThrow().state() == DurableState.RUNNING));
        await().until(() -> IntStream.range(0, 3).anyMatch(i -> !Jobs.recorded(key + i).isEmpty()));
        int first = IntStream.range(0, 3).filter(i -> !Jobs.recorded(key + i).isEmpty()).findFirst().orElseThrow();
        var running = ids.get(first);
        var runningKey = key + first;

        var stopped = CompletableFuture.supplyAsync(() -> worker.stop(Duration.ofSeconds(20)));
        for (var id : ids) {
            if (!id.equals(running)) {
                var status = awaitState(durable, id, DurableState.QUEUED);
                assertThat(status.attempts()).as("given back, the attempt does not count").isZero();
            }
        }
        assertThat(stopped).as("waits for the running task").isNotDone();
        assertThat(durable.status(running).orElseThrow().state()).isEqualTo(DurableState.RUNNING);
        Jobs.gate(runningKey).countDown();
        assertThat(stopped.get(20, TimeUnit.SECONDS)).as("everything finished in time").isTrue();
        assertThat(durable.status(running).orElseThrow().state()).isEqualTo(DurableState.SUCCEEDED);
        assertThat(Jobs.recorded(runningKey)).containsExactly("start", "end");
        for (int i = 0; i < 3; i++) {
            if (!(key + i).equals(runningKey)) {
                assertThat(Jobs.recorded(key + i)).as("never started").isEmpty();
            }
        }
    }

    @Test
    void tasksStillRunningAtTheShutdownDeadlineAreInterruptedAndGivenBack() {
        var durable = durable();
        var id = durable.enqueue(TaskCall.of(Jobs::block, key));
        var worker = start(durable.worker());
        await().until(() -> Jobs.recorded(key).contains("start"));
        assertThat(worker.stop(Duration.ofMillis(300))).as("not everything finished").isFalse();
        var status = durable.status(id).orElseThrow();
        assertThat(status.state()).isEqualTo(DurableState.QUEUED);
        assertThat(status.attempts()).isZero();
        await().until(() -> Jobs.recorded(key).contains("interrupted"));
        assertThat(worker.stop(Duration.ofMillis(300))).as("stopping twice").isFalse();
    }

    @Test
    void twoThreadsStoppingAWorkerBothWaitForTheOneShutdown() throws Exception {
        var durable = durable();
        var id = durable.enqueue(TaskCall.of(Jobs::block, key));
        var worker = start(durable.worker());
        await().until(() -> Jobs.recorded(key).contains("start"));
        var first = CompletableFuture.supplyAsync(() -> worker.stop(Duration.ofSeconds(20)));
        var second = CompletableFuture.supplyAsync(() -> worker.stop(Duration.ofSeconds(20)));
        // both keep waiting for the running task
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !first.isDone() && !second.isDone());
        Jobs.gate(key).countDown();
        assertThat(first.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(second.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(durable.status(id).orElseThrow().state()).isEqualTo(DurableState.SUCCEEDED);
    }

    @Test
    void aWorkerRunsOnlyTheQueuesItServes() {
        var durable = durable();
        var report = durable.enqueue(TaskCall.of(Jobs::note, key, 1).withOptions(new TaskOptions("reports", 0, null, null, 0)));
        var other = durable.enqueue(TaskCall.of(Jobs::note, key, 2));
        start(durable.worker().concurrency("reports", 1));
        awaitState(durable, report, DurableState.SUCCEEDED);
        assertThat(durable.status(other).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
    }

    @Test
    void manyTasksAllRunOnce() {
        var durable = durable();
        var calls = new ArrayList<TaskCall>();
        for (int i = 0; i < 500; i++) {
            calls.add(TaskCall.of(Jobs::note, key, i));
        }
        durable.enqueueAll(calls);
        start(durable.worker().concurrency("default", 16).claimBatchSize(25));
        start(durable.worker().concurrency("default", 16).claimBatchSize(25));
        await().until(() -> durable.counts().get("default").get(DurableState.SUCCEEDED) == 500);
        assertThat(Jobs.recorded(key)).hasSize(500).doesNotHaveDuplicates();
    }

    @Test
    void builderChecks() {
        var durable = durable();
        assertThatThrownBy(() -> durable.worker().lease(Duration.ofSeconds(1)).heartbeat(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than the lease");
        assertThatThrownBy(() -> durable.worker().concurrency("default", 0)).isInstanceOf(IllegalArgumentException.class);
        var worker = durable.worker().build();
        assertThat(worker.id()).contains(":" + ProcessHandle.current().pid() + ":");
        assertThat(worker.queues()).containsExactly("default");
        assertThat(worker.stop(Duration.ZERO)).as("never started").isTrue();
    }
}
