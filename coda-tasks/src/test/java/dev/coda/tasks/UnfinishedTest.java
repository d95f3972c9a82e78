package dev.coda.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UnfinishedTest {

    private final TaskRuntime runtime = TaskRuntime.create();

    private TaskList taskList(String name) {
        return new TaskList(runtime, name, name);
    }

    @Test
    void listsWhatWasAddedAndNotRemoved() {
        var unfinished = new Unfinished();
        var a = taskList("a");
        var b = taskList("b");
        var c = taskList("c");
        assertThat(unfinished.isEmpty()).isTrue();

        unfinished.add(a);
        unfinished.add(b);
        unfinished.add(c);
        unfinished.remove(b);

        assertThat(unfinished.list()).containsExactlyInAnyOrder(a, c);
        assertThat(unfinished.isEmpty()).isFalse();
        unfinished.remove(a);
        unfinished.remove(c);
        assertThat(unfinished.list()).isEmpty();
        assertThat(unfinished.isEmpty()).isTrue();
    }

    @Test
    void removingTwiceOrWithoutAddingChangesNothing() {
        var unfinished = new Unfinished();
        var a = taskList("a");
        var b = taskList("b");
        unfinished.remove(a);
        unfinished.add(a);
        unfinished.add(b);

        unfinished.remove(a);
        unfinished.remove(a);

        assertThat(unfinished.list()).containsExactly(b);
    }

    @Test
    void concurrentAddsAndRemovesLeaveExactlyTheTaskListsNotRemoved() throws Exception {
        var unfinished = new Unfinished();
        int threads = 8;
        int perThread = 5_000;
        var kept = new ArrayList<TaskList>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                var keep = taskList("kept-" + t);
                kept.add(keep);
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    unfinished.add(keep);
                    for (int i = 0; i < perThread; i++) {
                        var taskList = taskList("u");
                        unfinished.add(taskList);
                        unfinished.remove(taskList);
                    }
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(unfinished.list()).containsExactlyInAnyOrderElementsOf(kept);
    }
}
