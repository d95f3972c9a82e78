package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.durable.testing.SettableClock;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TaskFunction;
import dev.coda.tasks.TaskOptions;
import dev.coda.tasks.TaskRuntime;
import dev.coda.tasks.TasksUnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registering durable tasks, deciding what is durable, and storing calls (on SQLite; the engines are tested on both). */
class DurableTasksTest {

    @TempDir
    Path dir;

    TaskEngine engine;
    final String key = UUID.randomUUID().toString();

    @BeforeEach
    void open() {
        engine = TaskEngine.sqlite(dir.resolve("tasks.db"));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void registersStaticMethodReferencesByName() {
        var durable = DurableTasks.on(engine).task(Jobs::add).task(Jobs::greet).task(Jobs::echo).task(Jobs::note).build();
        assertThat(durable.names()).containsExactly("Jobs.add", "Jobs.greet", "Jobs.echo", "Jobs.note");
        assertThat(durable.isDurable(TaskCall.of(Jobs::add, 1, 2))).isTrue();
        assertThat(durable.isDurable(TaskCall.of(Jobs::greet, "Ada"))).isTrue();
        assertThat(durable.isDurable(TaskCall.of(Jobs::notDurable, key))).isFalse();
        assertThat(durable.retryPolicy()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void rejectsLambdas() {
        var builder = DurableTasks.on(engine);
        assertThatThrownBy(() -> builder.task((TaskFunction.Of1<String>) k -> Jobs.note(k, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a lambda")
                .hasMessageContaining("method references such as FileJobs::process");
    }

    @Test
    void registersInstanceMethodReferencesBoundOrNotByTheirClassAndMethod() {
        var service = new Jobs.Service();
        var bound = DurableTasks.on(engine).task(service::handle).build();
        assertThat(bound.names()).containsExactly("Jobs.Service.handle");
        assertThat(bound.isDurable(TaskCall.of(new Jobs.Service()::handle, key))).as("any instance's bound reference").isTrue();
        var unbound = DurableTasks.on(engine).task(Jobs.Service::handle).build();
        assertThat(unbound.names()).containsExactly("Jobs.Service.handle");
        var id = unbound.enqueue(TaskCall.of(service::handle, key));
        assertThat(engine.status(id).orElseThrow().arguments()).as("the receiver is not stored").isEqualTo("[\"" + key + "\"]");
    }

    @Test
    void rejectsConstructorReferencesAndOneTaskOnTwoObjects() {
        assertThatThrownBy(() -> DurableTasks.on(engine).task((TaskFunction.Of0) Jobs.Service::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names a constructor");
        assertThatThrownBy(() -> DurableTasks.on(engine).task(new Jobs.Service()::handle).task(new Jobs.Service()::handle))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Jobs.Service.handle is registered on two objects");
    }

    @Test
    void rejectsTwoMethodsWithOneName() {
        assertThatThrownBy(() -> DurableTasks.on(engine)
                .task((TaskFunction.Of1<Integer>) Overloads::process)
                .task((TaskFunction.Of1<String>) Overloads::process))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two durable tasks are named Overloads.process")
                .hasMessageContaining("process(int)").hasMessageContaining("process(String)");
        assertThatThrownBy(() -> DurableTasks.on(engine)
                .task(dev.coda.durable.testjobs.a.Mailer::send)
                .task(dev.coda.durable.testjobs.b.Mailer::send))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two durable tasks are named Mailer.send")
                .hasMessageContaining("testjobs.a.Mailer").hasMessageContaining("testjobs.b.Mailer");
        // the same method twice is fine
        assertThat(DurableTasks.on(engine).task(Jobs::add).task(Jobs::add).build().names()).containsExactly("Jobs.add");
    }

    @Test
    void everyTaskMakesPlainStaticMethodReferencesDurable() {
        var durable = DurableTasks.on(engine).everyTask().build();
        assertThat(durable.isDurable(TaskCall.of(Jobs::notDurable, key))).isTrue();
        assertThat(durable.isDurable(TaskCall.of((TaskFunction.Of1<String>) k -> Jobs.note(k, 1), key))).as("a lambda").isFalse();
        var service = new Jobs.Service();
        assertThat(durable.isDurable(TaskCall.of(service::handle, key))).as("a bound reference").isFalse();
        assertThat(durable.isDurable(TaskCall.of(Jobs.Service::handle, service, key))).as("an instance method").isFalse();
        var id = durable.enqueue(TaskCall.of(Jobs::notDurable, key));
        assertThat(engine.status(id).orElseThrow().name()).isEqualTo("Jobs.notDurable");
        assertThatThrownBy(() -> durable.enqueue(TaskCall.of(service::handle, key)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be durable");
    }

    @Test
    void aCallOfAnotherClassWithARegisteredNameIsNotThatTask() {
        var durable = DurableTasks.on(engine).task(dev.coda.durable.testjobs.a.Mailer::send).build();
        var other = TaskCall.of(dev.coda.durable.testjobs.b.Mailer::send, "x@example.com");
        assertThat(durable.isDurable(other)).isFalse();
        assertThatThrownBy(() -> durable.enqueue(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be unique");
    }

    @Test
    void enqueueChecksTheCallBeforeStoringIt() {
        var durable = DurableTasks.on(engine).task(Jobs::add).build();
        assertThatThrownBy(() -> durable.enqueue(TaskCall.of(Jobs::notDurable, key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Jobs.notDurable is not a durable task: register it with DurableTasks.on(engine).task(Jobs::notDurable)");
        var wrongType = new TaskCall("Jobs.add", Jobs.class.getName(), "add", List.of("x", 1), TaskOptions.DEFAULT, true);
        assertThatThrownBy(() -> durable.enqueue(wrongType)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument 1 of Jobs.add(int, int) is a java.lang.String, not a int");
        var wrongCount = new TaskCall("Jobs.add", Jobs.class.getName(), "add", List.of(1), TaskOptions.DEFAULT, true);
        assertThatThrownBy(() -> durable.enqueue(wrongCount)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes 2 argument(s), not 1");
        assertThatThrownBy(() -> durable.enqueue(TaskCall.of(Jobs::add, null, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be null");
        assertThat(engine.counts()).as("nothing stored").isEmpty();
    }

    @Test
    void argumentsAreStoredAsJson() throws Exception {
        var registry = new SimpleMeterRegistry();
        var durable = DurableTasks.on(engine).task(Jobs::echo).meterRegistry(registry).build();
        var order = new Jobs.Order(7, "Ada", Instant.parse("2024-05-01T10:15:30Z"), List.of("a", "b"), Optional.of("gift"));
        var id = durable.enqueue(TaskCall.of(Jobs::echo, key, order));
        var stored = durable.status(id).orElseThrow().arguments();
        assertThat(new ObjectMapper().readTree(stored)).isEqualTo(new ObjectMapper().readTree(
                "[\"" + key + "\",{\"id\":7,\"customer\":\"Ada\",\"placedAt\":\"2024-05-01T10:15:30Z\",\"items\":[\"a\",\"b\"],\"note\":\"gift\"}]"));
        assertThat(registry.get("coda.tasks.enqueued").tag("kind", "durable").tag("task", "Jobs.echo").tag("queue", "default").counter().count()).isEqualTo(1);
    }

    @Test
    void optionsAndAttempts() {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var plain = durable.enqueue(TaskCall.of(Jobs::note, key, 1));
        assertThat(durable.status(plain).orElseThrow().maxAttempts()).isEqualTo(RetryPolicy.DEFAULT.maxAttempts());
        var runAt = Instant.now().plus(Duration.ofMinutes(5));
        var custom = durable.enqueue(TaskCall.of(Jobs::note, key, 2).withOptions(new TaskOptions("reports", 3, runAt, "u-1", 2)));
        var status = durable.status(custom).orElseThrow();
        assertThat(status.maxAttempts()).isEqualTo(2);
        assertThat(status.queue()).isEqualTo("reports");
        assertThat(status.state()).isEqualTo(DurableState.SCHEDULED);
        assertThat(durable.enqueue(TaskCall.of(Jobs::note, key, 3).withOptions(new TaskOptions("reports", 0, null, "u-1", 0))))
                .as("unique key held").isEqualTo(custom);
        var none = DurableTasks.on(engine).task(Jobs::note).retry(RetryPolicy.none()).build();
        assertThat(none.status(none.enqueue(TaskCall.of(Jobs::note, key, 4))).orElseThrow().maxAttempts()).isEqualTo(1);
        assertThat(durable.counts().get("reports")).containsEntry(DurableState.SCHEDULED, 1L);
        assertThat(durable.cancel(custom)).isTrue();
        assertThat(durable.retry(custom)).isTrue();
    }

    @Test
    void storeIsAllOrNothing() {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var good = TaskCall.of(Jobs::note, key, 1);
        var bad = new TaskCall("Jobs.note", Jobs.class.getName(), "note", List.of(key, "x"), TaskOptions.DEFAULT, true);
        assertThatThrownBy(() -> durable.store(List.of(good, bad))).isInstanceOf(IllegalArgumentException.class);
        assertThat(engine.counts()).isEmpty();
        assertThat(durable.store(List.of(good, good))).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void theTaskRuntimeStoresDurableTasksBeforeTheResponseAndRunsTheOthers() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).task(Jobs::add).build();
        try (var runtime = TaskRuntime.builder().durable(durable).build()) {
            var tasks = runtime.newTasks("POST /orders", "r-1");
            var stored = tasks.addTask(Jobs::add, 1, 2);
            var queued = tasks.queue("reports").priority(3).uniqueKey("order:1").addTask(Jobs::note, key, 5);
            var inProcess = tasks.addTask(Jobs::notDurable, key);
            assertThatThrownBy(() -> tasks.queue("reports").addTask(Jobs::notDurable, key))
                    .as("options are for durable tasks").isInstanceOf(IllegalArgumentException.class);

            runtime.persist(tasks, false); // what the web layer does before writing the 202
            var status = engine.status(stored.id()).orElseThrow();
            assertThat(status.name()).isEqualTo("Jobs.add");
            assertThat(status.arguments()).isEqualTo("[1,2]");
            assertThat(status.state()).isEqualTo(DurableState.QUEUED);
            assertThat(engine.status(queued.id()).orElseThrow().queue()).isEqualTo("reports");
            assertThat(engine.status(inProcess.id())).isEmpty();

            runtime.dispatch(tasks, false).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(Jobs.recorded(key)).as("only the in-process task ran here").containsExactly("ran");
            assertThat(engine.counts().get("default")).containsEntry(DurableState.QUEUED, 1L);
        }
    }

    @Test
    void aDelayCountsFromTheRuntimesClock() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (var runtime = TaskRuntime.builder().durable(durable).clock(clock).build()) {
            var tasks = runtime.newTasks("POST /reminders", "r-1");
            var later = tasks.delay(Duration.ofMinutes(5)).addTask(Jobs::note, key, 1);

            runtime.persist(tasks, false);

            var status = engine.status(later.id()).orElseThrow();
            assertThat(status.runAt()).isEqualTo(Instant.parse("2030-01-01T00:05:00Z"));
            assertThat(status.state()).isEqualTo(DurableState.SCHEDULED);
        }
    }

    @Test
    void withTimeoutOnADurableTaskIsStoredWithItButTheRuntimesDefaultTimeoutIsNot() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).task(Jobs::add).build();
        try (var runtime = TaskRuntime.builder().durable(durable).defaultTimeout(Duration.ofMinutes(1)).build()) {
            var tasks = runtime.newTasks("POST /orders", "r-1");
            var timed = tasks.withTimeout(Duration.ofSeconds(5)).addTask(Jobs::note, key, 1);
            var untimed = tasks.addTask(Jobs::add, 1, 2);
            var inProcess = tasks.withTimeout(Duration.ofSeconds(5)).addTask(Jobs::notDurable, key);

            runtime.persist(tasks, false);
            assertThat(engine.status(timed.id()).orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(engine.status(untimed.id()).orElseThrow().timeout()).as("the runtime's default is for in-process tasks").isNull();
            runtime.dispatch(tasks, false).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(inProcess.state()).isEqualTo(dev.coda.tasks.TaskState.SUCCEEDED);
        }
        assertThatThrownBy(() -> new TaskOptions("default", 0, null, null, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive: PT0S");
    }

    @Test
    void aTimeoutScopeGivesTheTasksRegisteredInItTheirDefaultTimeout() {
        var durable = DurableTasks.on(engine)
                .task(Jobs::note)
                .timeout(Duration.ofMinutes(10), slow -> slow
                        .task(Jobs::slow)
                        .timeout(Duration.ofSeconds(30), quick -> quick.task(Jobs::add))
                        .task(Jobs::block))
                .task(Jobs::slow)
                .build();
        assertThat(durable.names()).containsExactly("Jobs.note", "Jobs.slow", "Jobs.add", "Jobs.block");
        assertThat(durable.timeout("Jobs.note")).isNull();
        assertThat(durable.timeout("Jobs.slow")).as("also registered outside: keeps its timeout").isEqualTo(Duration.ofMinutes(10));
        assertThat(durable.timeout("Jobs.add")).as("the innermost scope").isEqualTo(Duration.ofSeconds(30));
        assertThat(durable.timeout("Jobs.block")).isEqualTo(Duration.ofMinutes(10));

        assertThatThrownBy(() -> DurableTasks.on(engine)
                .timeout(Duration.ofMinutes(1), a -> a.task(Jobs::slow))
                .timeout(Duration.ofMinutes(2), b -> b.task(Jobs::slow)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the durable task Jobs.slow is registered with two timeouts: PT1M and PT2M");
        assertThatThrownBy(() -> DurableTasks.on(engine).timeout(Duration.ZERO, a -> a.task(Jobs::slow)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
    }

    @Test
    void durableTasksGivenAnEngineLeaveItOpenWhenClosed() {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        durable.close();
        assertThat(engine.enqueue(List.of(new TaskEngine.NewTask("Jobs.note", "[\"k\", 1]", "default", 0, null, null, 1))))
                .as("the caller's engine still works").hasSize(1);
    }

    @Test
    void withoutAnEngineTheBuilderOpensTheDefaultOneAndCloseClosesIt() {
        var durable = DurableTasks.builder(Map.of(), dir).task(Jobs::note).build();
        assertThat(dir.resolve("coda-tasks.db")).as("SQLite in the working directory").isRegularFile();
        var id = durable.enqueue(TaskCall.of(Jobs::note, key, 1));
        assertThat(durable.status(id)).isPresent();
        durable.close();
        assertThatThrownBy(() -> durable.enqueue(TaskCall.of(Jobs::note, key, 2))).isInstanceOf(TaskEngineException.class);

        var named = dir.resolve("named.db");
        try (var fromUrl = DurableTasks.builder(Map.of("CODA_TASKS_URL", "jdbc:sqlite:" + named), dir).task(Jobs::note).build()) {
            assertThat(fromUrl.engine().toString()).contains(named.toString());
        }
        assertThatThrownBy(() -> DurableTasks.builder(Map.of("CODA_TASKS_URL", "jdbc:mysql://db/app"), dir).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no task engine for jdbc:mysql://db/app");
    }

    @Test
    void aFailingEngineMakesStoreThrowSoNothingIsAcknowledged() {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        engine.close();
        assertThatThrownBy(() -> durable.store(List.of(TaskCall.of(Jobs::note, key, 1))))
                .isInstanceOf(TaskEngineException.class);
    }

    /**
     * A SQLite file that another process keeps locked for writing longer than the timeouts: calls are unavailable
     * within about two seconds (not the workers' 10 s), then refused at once, and work again once the lock is released.
     * (PostgreSQL's outage is shown with a server of its own in the examples' {@code DurableOutageTest}.)
     */
    @Test
    void aFileLockedBeyondTheTimeoutMakesCallsUnavailableWithinTwoSecondsThenAtOnceUntilItIsReleased() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var first = durable.enqueue(TaskCall.of(Jobs::note, key, 0));
        try (var other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tasks.db"));
             var statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");                       // another process writing, for longer than any timeout

            long start = System.nanoTime();
            var refused = catchThrowableOfType(TasksUnavailableException.class, () -> durable.enqueue(TaskCall.of(Jobs::note, key, 1)));
            var waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(refused).as("a locked file is unavailable, not a bug").isNotNull();
            assertThat(waited).as("the request timeout, not the workers' 10 s").isBetween(Duration.ofMillis(1_500), Duration.ofMillis(3_500));
            assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(5));
            assertThat(refused.getMessage()).contains("locked").contains("tasks.db");
            assertThat(refused.getCause()).isInstanceOfSatisfying(TaskEngineException.class, e -> assertThat(e.unavailable()).isTrue());

            start = System.nanoTime();
            assertThatThrownBy(() -> durable.enqueue(TaskCall.of(Jobs::note, key, 2))).isInstanceOf(TasksUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once while known down").isLessThan(Duration.ofSeconds(1));

            statement.execute("ROLLBACK");
        }
        var last = EngineTestBase.await().ignoreExceptionsInstanceOf(TasksUnavailableException.class)
                .until(() -> durable.enqueue(TaskCall.of(Jobs::note, key, 3)), id -> id != null);
        assertThat(durable.status(first)).isPresent();
        assertThat(durable.status(last)).isPresent();
        assertThat(durable.counts().get("default")).as("only the accepted calls were stored").containsEntry(DurableState.QUEUED, 2L);
    }
}
