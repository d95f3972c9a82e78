package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.tasks.ContextPropagator;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;

/**
 * Tasks that use the application's objects: instance methods run on the object the worker holds (registered bound, or
 * given to the worker as a service), only their arguments stored; and the worker's error handler and context propagators.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class TaskDependenciesTest extends EngineTestBase {

    /** A task's dependency: what the worker's object holds, never stored. */
    record Outbox(String name, List<String> sent) {
        Outbox(String name) {
            this(name, new CopyOnWriteArrayList<>());
        }
    }

    /** Tasks as instance methods of an object holding its dependencies. */
    public static final class Mailer {
        private final Outbox outbox;

        public Mailer(Outbox outbox) {
            this.outbox = outbox;
        }

        public String send(String to, int copies) {
            outbox.sent().add(to + " x" + copies);
            return outbox.name();
        }

        public String trace() {
            return MDC.get("trace");
        }

        public void fail(String why) throws Exception {
            throw new IllegalStateException(why);
        }
    }

    private final List<Worker> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.forEach(worker -> worker.stop(Duration.ofSeconds(5)));
    }

    private Worker start(Worker.Builder builder) {
        var worker = builder.pollInterval(Duration.ofMillis(50)).start();
        workers.add(worker);
        return worker;
    }

    private TaskStatus awaitState(DurableTasks durable, String id, DurableState state) {
        await().until(() -> durable.status(id).orElseThrow().state() == state);
        return durable.status(id).orElseThrow();
    }

    @Test
    void aBoundTaskRunsOnTheRegisteredObjectWhateverInstanceTheWebSideEnqueuedWith() {
        var workerOutbox = new Outbox("worker's");
        var durable = DurableTasks.on(engine).task(new Mailer(workerOutbox)::send).build();
        var webSide = new Mailer(new Outbox("web side's"));

        var call = TaskCall.of(webSide::send, "ada@example.com", 2);
        assertThat(durable.isDurable(call)).isTrue();
        var id = durable.enqueue(call);
        assertThat(durable.status(id).orElseThrow().arguments()).as("only the arguments are stored")
                .isEqualTo("[\"ada@example.com\",2]");

        start(durable.worker());
        assertThat(awaitState(durable, id, DurableState.SUCCEEDED).result()).isEqualTo("\"worker's\"");
        assertThat(workerOutbox.sent()).containsExactly("ada@example.com x2");
        assertThat(webSide.outbox.sent()).isEmpty();
    }

    @Test
    void anUnboundInstanceMethodRunsOnTheServiceGivenToTheWorker() {
        var durable = DurableTasks.on(engine).task(Mailer::send).build();     // the object is built later
        var outbox = new Outbox("service");
        var id = durable.enqueue(TaskCall.of(new Mailer(new Outbox("web"))::send, "bob@example.com", 1));

        start(durable.worker().service(new Mailer(outbox)));
        assertThat(awaitState(durable, id, DurableState.SUCCEEDED).result()).isEqualTo("\"service\"");
        assertThat(outbox.sent()).containsExactly("bob@example.com x1");
    }

    @Test
    void aServiceGivenToTheWorkerWinsOverTheRegisteredObject() {
        var registered = new Outbox("registered");
        var given = new Outbox("given");
        var durable = DurableTasks.on(engine).task(new Mailer(registered)::send).build();
        var id = durable.enqueue(TaskCall.of(new Mailer(registered)::send, "eve@example.com", 3));

        start(durable.worker().service(new Mailer(given)));
        awaitState(durable, id, DurableState.SUCCEEDED);
        assertThat(given.sent()).containsExactly("eve@example.com x3");
        assertThat(registered.sent()).isEmpty();
    }

    @Test
    void aWorkerWithoutTheObjectOfAnInstanceMethodTaskDoesNotStart() {
        var durable = DurableTasks.on(engine).task(Mailer::send).build();
        assertThatThrownBy(() -> durable.worker().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TaskDependenciesTest.Mailer.send is an instance method of " + Mailer.class.getName())
                .hasMessageContaining("durable.worker().service(new Mailer(...))");
        assertThatThrownBy(() -> durable.worker().service(new Mailer(new Outbox("a"))).service(new Mailer(new Outbox("b"))).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the worker has 2 services of that type");
    }

    @Test
    void theErrorHandlerIsToldOfEveryFailedAttemptWithTheTaskAndItsError() {
        var told = new CopyOnWriteArrayList<String>();
        var durable = DurableTasks.on(engine).task(new Mailer(new Outbox("x"))::fail)
                .retry(RetryPolicy.exponential(2, Duration.ofMillis(10), Duration.ofMillis(20))).build();
        var id = durable.enqueue(TaskCall.of(new Mailer(new Outbox("y"))::fail, "disk full"));

        start(durable.worker().errorHandler((TaskHandle task, Throwable error) -> told.add(task.id() + " " + task.name() + " "
                + task.state() + " " + error.getMessage() + " " + (task.failure().orElseThrow() == error))));
        awaitState(durable, id, DurableState.FAILED);
        await().until(() -> told.size() == 2);
        assertThat(told).containsOnly(id + " TaskDependenciesTest.Mailer.fail " + TaskState.FAILED + " disk full true");
    }

    @Test
    void contextPropagatorsAreCurrentAroundEachTaskAndCaptureOnItsThreadWithItsMdc() {
        var closed = new CopyOnWriteArrayList<String>();
        ContextPropagator tracing = () -> {
            var taskId = MDC.get("task.id");                        // captured on the task's thread
            return () -> {
                MDC.put("trace", "trace-of-" + taskId);
                return () -> {
                    MDC.remove("trace");
                    closed.add(taskId);
                };
            };
        };
        var durable = DurableTasks.on(engine).task(new Mailer(new Outbox("x"))::trace).build();
        var id = durable.enqueue(TaskCall.of(new Mailer(new Outbox("y"))::trace));

        start(durable.worker().contextPropagator(tracing));
        assertThat(awaitState(durable, id, DurableState.SUCCEEDED).result()).isEqualTo("\"trace-of-" + id + "\"");
        await().until(() -> closed.contains(id));
    }
}
