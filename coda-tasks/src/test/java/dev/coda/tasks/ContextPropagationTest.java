package dev.coda.tasks;

import dev.coda.testsupport.LogCapture;
import static dev.coda.tasks.TestSupport.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

class ContextPropagationTest {

    private static final ThreadLocal<String> SPAN = new ThreadLocal<>();

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda.tasks");

    private final Events events = new Events();

    @AfterEach
    void cleanUp() {
        MDC.clear();
        SPAN.remove();
    }

    static void recordMdc(Events events, String key) {
        events.add(key + "=" + MDC.get(key));
    }

    static void recordMdcAndThread(Events events, AtomicReference<Thread> thread) {
        thread.set(Thread.currentThread());
        events.add("requestId=" + MDC.get("requestId"));
    }

    static void pollute(String value) {
        MDC.put("leak", value);
    }

    static void overwriteRequestId(String value) {
        MDC.put("requestId", value);
    }

    static void recordSpan(Events events) {
        events.add("task sees " + SPAN.get());
    }

    /** A propagator of {@link #SPAN} that records what it does. */
    private ContextPropagator spanPropagator(String label) {
        return () -> {
            var captured = SPAN.get();
            events.add(label + " captured " + captured);
            return () -> {
                var previous = SPAN.get();
                SPAN.set(captured);
                events.add(label + " activated " + captured);
                return () -> {
                    SPAN.set(previous);
                    events.add(label + " closed " + captured);
                };
            };
        };
    }

    @Test
    void mdcValuesPresentWhenATaskIsAddedAreVisibleInsideItOnItsOwnThread() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var taskThread = new AtomicReference<Thread>();
        MDC.put("requestId", "req-1");
        tasks.addTask(ContextPropagationTest::recordMdcAndThread, events, taskThread);
        MDC.clear();

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("requestId=req-1");
        assertThat(taskThread.get()).isNotSameAs(Thread.currentThread());
        assertThat(taskThread.get().isVirtual()).as("a platform thread: a task blocked in file I/O or busy on the CPU keeps "
                + "only its own thread, never a carrier of the virtual threads that serve requests").isFalse();
        assertThat(taskThread.get().getName()).matches("coda-task-\\d+");
    }

    @Test
    void eachTaskSeesTheMdcOfItsOwnAddTaskCall() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        MDC.put("user", "alice");
        tasks.addTask(ContextPropagationTest::recordMdc, events, "user");
        MDC.put("user", "bob");
        tasks.addTask(ContextPropagationTest::recordMdc, events, "user");
        MDC.clear();
        tasks.addTask(ContextPropagationTest::recordMdc, events, "user");

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("user=alice", "user=bob", "user=null");
    }

    @Test
    void mdcChangesMadeByATaskDoNotLeakIntoTheNextTask() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        MDC.put("requestId", "req-1");
        tasks.addTask(ContextPropagationTest::pollute, "dirty");
        tasks.addTask(ContextPropagationTest::recordMdc, events, "leak");
        MDC.clear();
        tasks.addTask(ContextPropagationTest::recordMdc, events, "leak");

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("leak=null", "leak=null");
    }

    @Test
    void tasksAddedUnderAnUnchangedMdcShareOneImmutableSnapshotThatNoTaskCanAlter() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        MDC.put("requestId", "req-1");
        var first = (TaskEntry) tasks.addTask(ContextPropagationTest::overwriteRequestId, "changed by a task");
        var second = (TaskEntry) tasks.addTask(ContextPropagationTest::recordMdc, events, "requestId");
        MDC.put("user", "alice");
        var third = (TaskEntry) tasks.addTask(ContextPropagationTest::recordMdc, events, "user");
        MDC.clear();

        assertThat(second.mdc).isSameAs(first.mdc).isEqualTo(Map.of("requestId", "req-1"));
        assertThat(third.mdc).isNotSameAs(first.mdc).isEqualTo(Map.of("requestId", "req-1", "user", "alice"));
        assertThatThrownBy(() -> first.mdc.put("requestId", "x")).isInstanceOf(UnsupportedOperationException.class);

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("requestId=req-1", "user=alice");
        assertThat(first.mdc).isEqualTo(Map.of("requestId", "req-1"));
    }

    @Test
    void aTaskAddedWithAnEmptyMdcCapturesNothing() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        MDC.put("requestId", "req-1");
        MDC.remove("requestId");

        var entry = (TaskEntry) tasks.addTask(ContextPropagationTest::recordMdc, events, "requestId");
        done(runtime.dispatch(tasks, false));

        assertThat(entry.mdc).isSameAs(Map.of());
        assertThat(events.list()).containsExactly("requestId=null");
    }

    @Test
    void theFailureLogOfATaskCarriesItsMdc() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        MDC.put("requestId", "req-1");
        tasks.addTask(TestSupport::throwIt, new IllegalStateException("boom"));
        MDC.clear();

        done(runtime.dispatch(tasks, false));

        assertThat(logs.at(Level.ERROR)).singleElement()
                .satisfies(event -> assertThat(event.getMDCPropertyMap()).containsEntry("requestId", "req-1"));
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void aPropagatorCapturesWhenTheTaskIsAddedActivatesAroundItAndClosesAfterIt() {
        var runtime = runtimes.start(TaskRuntime.builder().contextPropagator(spanPropagator("span")));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        SPAN.set("span-1");
        tasks.addTask(ContextPropagationTest::recordSpan, events);
        SPAN.remove();

        assertThat(events.list()).containsExactly("span captured span-1");

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("span captured span-1", "span activated span-1", "task sees span-1",
                "span closed span-1");
    }

    @Test
    void theContextIsClosedAlsoWhenTheTaskFails() {
        var runtime = runtimes.start(TaskRuntime.builder().contextPropagator(spanPropagator("span")));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        SPAN.set("span-1");
        var failing = tasks.addTask(TestSupport::throwIt, new IllegalStateException("boom"));

        done(runtime.dispatch(tasks, false));

        assertThat(failing.state()).isEqualTo(TaskState.FAILED);
        assertThat(events.list()).containsExactly("span captured span-1", "span activated span-1", "span closed span-1");
    }

    @Test
    void severalPropagatorsAreActivatedInOrderAndClosedInReverse() {
        var runtime = runtimes.start(TaskRuntime.builder()
                .contextPropagator(spanPropagator("outer"))
                .contextPropagator(spanPropagator("inner")));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        SPAN.set("s");
        tasks.addTask(ContextPropagationTest::recordSpan, events);

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("outer captured s", "inner captured s", "outer activated s",
                "inner activated s", "task sees s", "inner closed s", "outer closed s");
    }

    @Test
    void aContextThatFailsToCloseIsLoggedAndTheTaskStillSucceeds() {
        ContextPropagator broken = () -> () -> () -> {
            throw new IllegalStateException("cannot restore");
        };
        var runtime = runtimes.start(TaskRuntime.builder().contextPropagator(broken));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = tasks.addTask(events::add, "ran");

        done(runtime.dispatch(tasks, false));

        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(logs.at(Level.WARN, "Events.add")).singleElement()
                .satisfies(e -> assertThat(e.getThrowableProxy().getMessage()).isEqualTo("cannot restore"));
    }

    @Test
    void theAddingThreadKeepsItsMdc() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        MDC.put("requestId", "req-1");
        tasks.addTask(ContextPropagationTest::pollute, "x");

        done(runtime.dispatch(tasks, false));

        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("requestId", "req-1"));
    }
}
