package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.TaskEngine.NewTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private static NewTask task(String name) {
        return new NewTask(name, "[]", "default", 0, null, null, 1);
    }

    /** Stores by naming each task's id after it; blocks the first group until {@code release}. */
    private static final class Recorder {
        final List<List<String>> groups = new CopyOnWriteArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        void store(List<GroupCommit.Pending> group) {
            var names = new ArrayList<String>();
            group.forEach(p -> p.tasks().forEach(t -> names.add(t.name())));
            groups.add(names);
            if (groups.size() == 1) {
                firstStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (var pending : group) {
                if (pending.tasks().get(0).name().startsWith("bad")) {
                    pending.fail(new IllegalStateException("cannot store " + pending.tasks().get(0).name()));
                } else {
                    pending.succeed(pending.tasks().stream().map(t -> "id-" + t.name()).toList());
                }
            }
        }
    }

    @Test
    void aLoneCallerStoresItsOwnTasksInAGroupOfOne() {
        var recorder = new Recorder();
        recorder.release.countDown();
        var commit = new GroupCommit(recorder::store);

        assertThat(commit.store(List.of(task("a"), task("b")))).containsExactly("id-a", "id-b");
        assertThat(recorder.groups).containsExactly(List.of("a", "b"));
    }

    @Test
    void callersArrivingDuringACommitAreStoredTogetherInTheNextOneAndEachGetsItsOwnIds() throws Exception {
        var recorder = new Recorder();
        var commit = new GroupCommit(recorder::store);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = pool.submit(() -> commit.store(List.of(task("first"))));
            assertThat(recorder.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            var waiting = new ArrayList<Future<List<String>>>();
            for (var name : List.of("x", "y", "z")) {
                waiting.add(pool.submit(() -> commit.store(List.of(task(name)))));
            }
            Awaitility.await().until(() -> queued(commit) == 3);
            recorder.release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly("id-first");
            assertThat(waiting.get(0).get(10, TimeUnit.SECONDS)).containsExactly("id-x");
            assertThat(waiting.get(1).get(10, TimeUnit.SECONDS)).containsExactly("id-y");
            assertThat(waiting.get(2).get(10, TimeUnit.SECONDS)).containsExactly("id-z");
        }
        assertThat(recorder.groups).hasSize(2);
        assertThat(recorder.groups.get(1)).containsExactlyInAnyOrder("x", "y", "z");
    }

    @Test
    void aCallThatFailsInAGroupFailsAloneItsCaller() throws Exception {
        var recorder = new Recorder();
        var commit = new GroupCommit(recorder::store);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var first = pool.submit(() -> commit.store(List.of(task("first"))));
            assertThat(recorder.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            var good = pool.submit(() -> commit.store(List.of(task("good"))));
            var bad = pool.submit(() -> commit.store(List.of(task("bad"))));
            Awaitility.await().until(() -> queued(commit) == 2);
            recorder.release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly("id-first");
            assertThat(good.get(10, TimeUnit.SECONDS)).containsExactly("id-good");
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("cannot store bad");
        }
    }

    @Test
    void whenTheStoreItselfThrowsEveryCallOfTheGroupGetsTheFailure() {
        var commit = new GroupCommit(group -> {
            throw new IllegalStateException("database down");
        });
        assertThatThrownBy(() -> commit.store(List.of(task("a")))).hasMessage("database down");
        assertThatThrownBy(() -> commit.store(List.of(task("b")))).hasMessage("database down");
    }

    @Test
    void underConcurrencyCallsShareCommits() throws Exception {
        var groups = new java.util.concurrent.atomic.AtomicInteger();
        var commit = new GroupCommit(group -> {
            groups.incrementAndGet();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // stands for the commit's fsync
            group.forEach(p -> p.succeed(p.tasks().stream().map(t -> "id-" + t.name()).toList()));
        });
        int threads = 8;
        int callsEach = 50;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < callsEach; i++) {
                        var name = thread + "-" + i;
                        assertThat(commit.store(List.of(task(name)))).containsExactly("id-" + name);
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(groups.get()).as("commits for %d calls", threads * callsEach).isLessThan(threads * callsEach / 3);
    }

    private static int queued(GroupCommit commit) {
        return commit.queued();
    }
}
