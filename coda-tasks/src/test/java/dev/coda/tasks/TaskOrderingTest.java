package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskOrderingTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final Events events = new Events();
    private TaskRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = runtimes.start();
    }

    /** A task that records its start and end and how many steps of its task list ran at the same time. */
    static void step(Events events, AtomicInteger inside, String name) {
        if (inside.incrementAndGet() != 1) {
            events.add("overlap at " + name);
        }
        events.add(name + " start");
        Thread.yield();
        events.add(name + " end");
        inside.decrementAndGet();
    }

    @Test
    void tasksOfOneTaskListRunOneAfterAnotherInTheOrderTheyWereAdded() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var inside = new AtomicInteger();
        for (int i = 1; i <= 5; i++) {
            tasks.addTask(TaskOrderingTest::step, events, inside, "t" + i);
        }

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("t1 start", "t1 end", "t2 start", "t2 end", "t3 start", "t3 end",
                "t4 start", "t4 end", "t5 start", "t5 end");
    }

    @Test
    void noTaskRunsBeforeItsTaskListIsDispatched() {
        var notYet = runtime.newTasks("POST /orders", "req-1");
        var handle = notYet.addTask(events::add, "first unit");
        var other = runtime.newTasks("POST /other", "req-2");
        other.addTask(events::add, "second unit");

        done(runtime.dispatch(other, false));

        assertThat(events.list()).containsExactly("second unit");
        assertThat(handle.state()).isEqualTo(TaskState.QUEUED);
        assertThat(runtime.queuedTasks()).isZero();

        done(runtime.dispatch(notYet, false));

        assertThat(events.list()).containsExactly("second unit", "first unit");
        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void dispatchReturnsAtOnceAndTheTasksRunOnAnotherThread() throws Exception {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        var taskThread = new AtomicReference<Thread>();
        tasks.addTask(() -> taskThread.set(Thread.currentThread()));
        tasks.addTask(gate::pass);

        var taskListDone = runtime.dispatch(tasks, false).toCompletableFuture();

        assertThat(taskListDone).isNotDone();
        gate.open();
        done(taskListDone);
        assertThat(taskThread.get()).isNotNull().isNotSameAs(Thread.currentThread());
        assertThat(taskThread.get().isVirtual()).isFalse();
    }

    @Test
    void anAsynchronousTaskKeepsTheNextOneWaitingAndCountsAsRunningUntilItsStageCompletes() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var stage = new CompletableFuture<String>();
        var first = tasks.addTask(() -> {
            events.add("first called");
            return stage;
        });
        var second = tasks.addTask(events::add, "second");

        var taskListDone = runtime.dispatch(tasks, false).toCompletableFuture();

        eventually().until(() -> events.list().contains("first called") && runtime.runningTasks() == 1);
        assertThat(first.state()).isEqualTo(TaskState.RUNNING);
        assertThat(second.state()).isEqualTo(TaskState.QUEUED);
        assertThat(taskListDone).isNotDone();

        stage.complete("sent");

        done(taskListDone);
        assertThat(events.list()).containsExactly("first called", "second");
        assertThat(first.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(second.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(runtime.runningTasks()).isZero();
    }

    @Test
    void anAsynchronousTaskWhoseStageFailsIsFailedWithTheStagesCause() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var stage = new CompletableFuture<Void>();
        var async = tasks.addTask(() -> stage);
        var next = tasks.addTask(events::add, "next");
        var boom = new IllegalStateException("mail server down");

        var taskListDone = runtime.dispatch(tasks, false);
        eventually().until(() -> async.state() == TaskState.RUNNING);
        stage.completeExceptionally(boom);

        done(taskListDone);
        assertThat(async.state()).isEqualTo(TaskState.FAILED);
        assertThat(async.failure()).containsSame(boom);
        assertThat(next.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void anAsynchronousTaskThatThrowsInsteadOfReturningAStageIsFailed() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var boom = new IllegalArgumentException("bad address");
        var async = tasks.addTask(() -> {
            if (boom != null) {
                throw boom;
            }
            return CompletableFuture.completedFuture(null);
        });

        done(runtime.dispatch(tasks, false));

        assertThat(async.state()).isEqualTo(TaskState.FAILED);
        assertThat(async.failure()).containsSame(boom);
    }

    @Test
    void anAsynchronousTaskCompletedOnAnotherThreadSucceeds() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = tasks.addTask(Notifications::sendLater, "a@example.com");
        var slow = tasks.addTask(() -> CompletableFuture.runAsync(() -> events.add("async body")));

        done(runtime.dispatch(tasks, false));

        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(slow.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(events.list()).containsExactly("async body");
    }

    /** Every arity of both shapes, as method references; each records its arguments. */
    static final class Joiner {
        private final Events events;

        Joiner(Events events) {
            this.events = events;
        }

        void of0() {
            events.add("of0");
        }

        void of1(String a) {
            events.add("of1 " + a);
        }

        void of2(String a, Integer b) {
            events.add("of2 " + a + b);
        }

        void of3(String a, Integer b, Character c) {
            events.add("of3 " + a + b + c);
        }

        void of4(String a, Integer b, Character c, Boolean d) {
            events.add("of4 " + a + b + c + d);
        }

        void of5(String a, Integer b, Character c, Boolean d, Long e) {
            events.add("of5 " + a + b + c + d + e);
        }

        CompletionStage<Void> async0() {
            events.add("async0");
            return CompletableFuture.completedFuture(null);
        }

        CompletionStage<Void> async1(String a) {
            return CompletableFuture.runAsync(() -> events.add("async1 " + a));
        }

        CompletionStage<Void> async2(String a, Integer b) {
            return CompletableFuture.runAsync(() -> events.add("async2 " + a + b));
        }

        CompletionStage<Void> async3(String a, Integer b, Character c) {
            return CompletableFuture.runAsync(() -> events.add("async3 " + a + b + c));
        }

        CompletionStage<Void> async4(String a, Integer b, Character c, Boolean d) {
            return CompletableFuture.runAsync(() -> events.add("async4 " + a + b + c + d));
        }

        CompletionStage<Void> async5(String a, Integer b, Character c, Boolean d, Long e) {
            return CompletableFuture.runAsync(() -> events.add("async5 " + a + b + c + d + e));
        }
    }

    @Test
    void everyArityPassesItsArgumentsInOrderAndAwaitsAsynchronousOnes() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var j = new Joiner(events);
        tasks.addTask(j::of0);
        tasks.addTask(j::of1, "a");
        tasks.addTask(j::of2, "a", 2);
        tasks.addTask(j::of3, "a", 2, 'c');
        tasks.addTask(j::of4, "a", 2, 'c', true);
        tasks.addTask(j::of5, "a", 2, 'c', true, 5L);
        tasks.addTask(j::async0);
        tasks.addTask(j::async1, "a");
        tasks.addTask(j::async2, "a", 2);
        tasks.addTask(j::async3, "a", 2, 'c');
        tasks.addTask(j::async4, "a", 2, 'c', true);
        tasks.addTask(j::async5, "a", 2, 'c', true, 5L);

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("of0", "of1 a", "of2 a2", "of3 a2c", "of4 a2ctrue", "of5 a2ctrue5",
                "async0", "async1 a", "async2 a2", "async3 a2c", "async4 a2ctrue", "async5 a2ctrue5");
        assertThat(tasks.handles()).extracting(TaskHandle::name).containsExactly(Stream.of("of0", "of1", "of2", "of3", "of4",
                "of5", "async0", "async1", "async2", "async3", "async4", "async5")
                .map(method -> "TaskOrderingTest.Joiner." + method).toArray(String[]::new));
    }

    @Test
    void aTaskListWithoutTasksCompletesAtOnce() {
        var tasks = runtime.newTasks("GET /health", "req-1");

        assertThat(runtime.dispatch(tasks, false).toCompletableFuture()).isCompleted();
    }
}
