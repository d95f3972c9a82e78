package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ParallelGroupTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final Events events = new Events();

    /** Returns only once the other member has arrived too: it cannot succeed if the members run one after another. */
    static void meet(CyclicBarrier barrier) throws Exception {
        barrier.await(10, TimeUnit.SECONDS);
    }

    @Test
    void theMembersOfAGroupRunAtTheSameTimeEvenWithOneTaskListAtATime() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var barrier = new CyclicBarrier(3);
        var group = tasks.parallel(g -> {
            g.addTask(ParallelGroupTest::meet, barrier);
            g.addTask(ParallelGroupTest::meet, barrier);
            g.addTask(ParallelGroupTest::meet, barrier);
        });

        done(runtime.dispatch(tasks, false));

        assertThat(group).hasSize(3).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
    }

    @Test
    void theStepAfterAGroupWaitsForTheWholeGroup() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        tasks.addTask(events::add, "before");
        var group = tasks.parallel(g -> {
            g.addTask(events::add, "fast member");
            g.addTask(gate::pass);
        });
        var after = tasks.addTask(events::add, "after");

        var taskListDone = runtime.dispatch(tasks, false).toCompletableFuture();

        eventually().until(() -> gate.entered() == 1 && group.get(0).state() == TaskState.SUCCEEDED);
        assertThat(group.get(1).state()).isEqualTo(TaskState.RUNNING);
        assertThat(after.state()).isEqualTo(TaskState.QUEUED);
        assertThat(taskListDone).isNotDone();

        gate.open();

        done(taskListDone);
        assertThat(events.list()).containsExactly("before", "fast member", "after");
        assertThat(after.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aFailingMemberStopsNeitherItsSiblingsNorTheLaterSteps() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var group = tasks.parallel(g -> {
            g.addTask(TestSupport::throwIt, new IllegalStateException("boom"));
            g.addTask(events::add, "sibling");
        });
        tasks.addTask(events::add, "after");

        done(runtime.dispatch(tasks, false));

        assertThat(group).extracting(TaskHandle::state).containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(events.list()).containsExactly("sibling", "after");
    }

    @Test
    void parallelReturnsTheGroupsHandlesAndHandlesListsEveryTaskInOrder() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var first = tasks.addTask(events::add, "first");
        var group = tasks.parallel(g -> {
            g.named("a").addTask(events::add, "a");
            g.named("b").addTask(events::add, "b");
        });
        var last = tasks.addTask(events::add, "last");

        assertThat(group).extracting(TaskHandle::name).containsExactly("a", "b");
        assertThat(tasks.handles()).containsExactly(first, group.get(0), group.get(1), last);
    }

    @Test
    void groupsDoNotNest() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");

        assertThatIllegalStateException()
                .isThrownBy(() -> tasks.parallel(g -> g.parallel(inner -> inner.addTask(events::add, "x"))))
                .withMessageContaining("do not nest");
    }

    @Test
    void anEmptyGroupIsSkipped() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var group = tasks.parallel(g -> {
        });
        tasks.addTask(events::add, "after");

        done(runtime.dispatch(tasks, false));

        assertThat(group).isEmpty();
        assertThat(events.list()).containsExactly("after");
    }
}
