package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskNameTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private TaskRuntime runtime;
    private BackgroundTasks tasks;

    static final class Outer {
        static final class Inner {
            static void work(String what) {
            }
        }
    }

    static final class PlainTask implements TaskFunction.Of0 {
        @Override
        public void run() {
        }
    }

    @BeforeEach
    void setUp() {
        runtime = runtimes.start();
        tasks = runtime.newTasks("POST /send-notification/{email}", "req-1");
    }

    @Test
    void aStaticMethodReferenceIsNamedAfterItsClassAndMethod() {
        var handle = tasks.addTask(Notifications::writeNotification, "a@example.com", "some notification");

        assertThat(handle.name()).isEqualTo("Notifications.writeNotification");
    }

    @Test
    void aMethodOfANestedClassIsNamedWithItsEnclosingClasses() {
        var handle = tasks.addTask(Outer.Inner::work, "x");

        assertThat(handle.name()).isEqualTo("TaskNameTest.Outer.Inner.work");
    }

    @Test
    void aMethodReferenceBoundToAnInstanceIsNamedAfterItsClassAndMethod() {
        var events = new Events();

        assertThat(tasks.addTask(events::add, "x").name()).isEqualTo("Events.add");
    }

    @Test
    void anAsynchronousMethodReferenceIsNamedLikeASynchronousOne() {
        assertThat(tasks.addTask(Notifications::sendLater, "a@example.com").name()).isEqualTo("Notifications.sendLater");
    }

    @Test
    void aLambdaIsNamedAfterTheMethodThatDeclaresIt() {
        var handle = tasks.addTask(() -> {
        });

        assertThat(handle.name()).isEqualTo("TaskNameTest.aLambdaIsNamedAfterTheMethodThatDeclaresIt$lambda");
    }

    @Test
    void namedOverridesTheNameOfAMethodReferenceAndOfALambda() {
        var reference = tasks.named("notify-user").addTask(Notifications::writeNotification, "a@example.com", "hi");
        var lambda = tasks.named("cleanup").addTask(() -> {
        });

        assertThat(reference.name()).isEqualTo("notify-user");
        assertThat(lambda.name()).isEqualTo("cleanup");
    }

    @Test
    void namedChangesOnlyTheViewItReturns() {
        var named = tasks.named("x");
        named.addTask(Notifications::writeNotification, "a@example.com", "hi");
        var unnamed = tasks.addTask(Notifications::writeNotification, "b@example.com", "hi");

        assertThat(unnamed.name()).isEqualTo("Notifications.writeNotification");
    }

    @Test
    void namedRejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> tasks.named(null));
    }

    @Test
    void aTaskFunctionClassThatIsNotALambdaIsNamedAfterTheClass() {
        assertThat(tasks.addTask(new PlainTask()).name()).isEqualTo("PlainTask");
    }

    @Test
    void theNameIsReadWithoutRunningTheTask() {
        var runs = new AtomicInteger();

        var handle = tasks.addTask(runs::incrementAndGet);

        assertThat(handle.name()).isEqualTo("AtomicInteger.incrementAndGet");
        assertThat(runs).hasValue(0);
    }

    @Test
    void theSameCallSiteKeepsItsNameAcrossTaskLists() {
        for (int i = 0; i < 3; i++) {
            var taskList = runtime.newTasks("job", "run-" + i);
            assertThat(taskList.addTask(Outer.Inner::work, "x").name()).isEqualTo("TaskNameTest.Outer.Inner.work");
        }
    }

    @Test
    void taskNameTellsAMethodReferenceFromALambdaAndKnowsTheDeclaringClass() {
        var reference = TaskName.of((TaskFunction.Of2<String, String>) Notifications::writeNotification);
        var lambda = TaskName.of((TaskFunction.Of0) () -> {
        });

        assertThat(reference).isEqualTo(new TaskName("Notifications.writeNotification", "dev.coda.tasks.Notifications",
                "writeNotification", true));
        assertThat(lambda.methodReference()).isFalse();
        assertThat(lambda.declaringClass()).isEqualTo("dev.coda.tasks.TaskNameTest");
        assertThat(lambda.name()).isEqualTo("TaskNameTest.taskNameTellsAMethodReferenceFromALambdaAndKnowsTheDeclaringClass$lambda");
    }

    @Test
    void theNamedMethodIsTheOneThatRuns() {
        Notifications.LOG.clear();
        tasks.addTask(Notifications::writeNotification, "a@example.com", "some notification");

        done(runtime.dispatch(tasks, false));

        assertThat(Notifications.LOG).containsExactly("notification for a@example.com: some notification");
    }
}
