package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.EngineFixture;
import dev.coda.durable.EngineKind;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.spi.TaskStore;
import dev.coda.durable.spi.TaskStore.Ready;
import dev.coda.durable.spi.TaskStore.Start;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The JDBC engines as the {@link TaskStore} of a broker's engine: dispatch marks, and starting one task by id. */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class JdbcTaskStoreTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Parameter
    EngineKind kind;

    @TempDir
    Path dir;

    private EngineFixture fixture;
    private TaskEngine engine;
    private TaskStore store;

    @BeforeEach
    void open() {
        fixture = EngineFixture.create(kind, dir);
        engine = fixture.open();
        store = engine.capability(TaskStore.class).orElseThrow();
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private static NewTask task(String uniqueKey, Instant runAt, int maxAttempts) {
        return new NewTask("Jobs.x", "[]", "default", 3, runAt, uniqueKey, maxAttempts);
    }

    @Test
    void putTasksAreMarkedForDispatchUntilTheTransportConfirmsThem() {
        var stored = store.put(List.of(task("k", null, 3), task(null, null, 3)));
        assertThat(stored).allSatisfy(ready -> {
            assertThat(ready.fresh()).isTrue();
            assertThat(ready.queue()).isEqualTo("default");
            assertThat(ready.priority()).isEqualTo(3);
        });
        var again = store.put(List.of(task("k", null, 3))).get(0);
        assertThat(again.fresh()).as("a live task holds the key: no new message").isFalse();
        assertThat(again.id()).isEqualTo(stored.get(0).id());

        var later = Instant.now().plusSeconds(60);
        assertThat(store.undispatched(Instant.now().minusSeconds(60), 10)).as("marked just now: a publish in progress").isEmpty();
        assertThat(store.undispatched(later, 10)).extracting(Ready::id)
                .containsExactlyInAnyOrder(stored.get(0).id(), stored.get(1).id());
        store.dispatched(List.of(stored.get(0).id()));
        assertThat(store.undispatched(later, 10)).extracting(Ready::id).containsExactly(stored.get(1).id());
        engine.cancel(stored.get(1).id());
        assertThat(store.undispatched(later, 10)).as("a cancelled task needs no message").isEmpty();
    }

    @Test
    void startDecidesWhatAMessageDoes() {
        var runAt = Instant.now().plus(Duration.ofHours(1));
        var ids = store.put(List.of(task(null, null, 3), task(null, runAt, 3))).stream().map(Ready::id).toList();

        assertThat(store.start(ids.get(0), "w1", LONG)).isInstanceOfSatisfying(Start.Started.class, s -> {
            assertThat(s.task().attempt()).isEqualTo(1);
            assertThat(s.task().recovered()).isFalse();
        });
        assertThat(store.start(ids.get(0), "w2", LONG)).as("w1 holds it").isInstanceOfSatisfying(Start.Busy.class,
                busy -> assertThat(busy.leaseUntil()).isAfter(Instant.now()));
        assertThat(store.start(ids.get(1), "w2", LONG)).isInstanceOfSatisfying(Start.NotDue.class, notDue -> {
            assertThat(notDue.runAt()).isCloseTo(runAt, org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
            assertThat(notDue.queue()).isEqualTo("default");
        });
        assertThat(store.start("no-such-task", "w2", LONG)).isInstanceOf(Start.Gone.class);

        assertThat(store.complete("w2", List.of(new Completion.Succeeded(ids.get(0), null)))).as("not w2's").isEmpty();
        assertThat(store.complete("w1", List.of(new Completion.Succeeded(ids.get(0), null)))).containsExactly(ids.get(0));
        assertThat(store.start(ids.get(0), "w2", LONG)).as("finished").isInstanceOf(Start.Gone.class);
    }

    @Test
    void aClaimsMessagesAreDecidedTogetherInTheirOrderAndATasksSecondMessageFindsItBusy() {
        var ids = store.put(List.of(task(null, null, 3), task(null, Instant.now().plus(Duration.ofHours(1)), 3), task(null, null, 3)))
                .stream().map(Ready::id).toList();
        var starts = store.start(List.of(ids.get(0), ids.get(1), "no-such-task", ids.get(0), ids.get(2)), "w1", LONG);

        assertThat(starts).hasSize(5);
        assertThat(starts.get(0)).isInstanceOfSatisfying(Start.Started.class, s -> {
            assertThat(s.task().id()).isEqualTo(ids.get(0));
            assertThat(s.task().attempt()).isEqualTo(1);
        });
        assertThat(starts.get(1)).isInstanceOf(Start.NotDue.class);
        assertThat(starts.get(2)).isInstanceOf(Start.Gone.class);
        assertThat(starts.get(3)).as("a duplicate message of a task started in the same claim").isInstanceOf(Start.Busy.class);
        assertThat(starts.get(4)).isInstanceOfSatisfying(Start.Started.class, s -> assertThat(s.task().id()).isEqualTo(ids.get(2)));
        assertThat(store.complete("w1", List.of(new Completion.Succeeded(ids.get(0), null), new Completion.Succeeded(ids.get(2), null))))
                .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    }

    @Test
    void anExpiredLeaseIsRecoveredAndARecordedRetryIsMarked() {
        var id = store.put(List.of(task(null, null, 2))).get(0).id();
        store.dispatched(List.of(id));
        assertThat(store.start(id, "dead", Duration.ofMillis(200))).isInstanceOf(Start.Started.class);
        var recovered = new Start[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> (recovered[0] = store.start(id, "alive", LONG)) instanceof Start.Started);
        var task = ((Start.Started) recovered[0]).task();
        assertThat(task.lostBy()).isEqualTo("dead");
        assertThat(task.attempt()).isEqualTo(2);
        assertThat(store.release("dead", List.of(id))).isEmpty();

        assertThat(store.complete("alive", List.of(new Completion.Retry(id, "boom", Instant.now())))).containsExactly(id);
        assertThat(store.undispatched(Instant.now().plusSeconds(60), 10)).extracting(Ready::id).as("the retry needs a message")
                .containsExactly(id);
    }

    @Test
    void theJdbcEnginesOfferTheCapability() {
        try (TaskEngine engine = TaskEngine.sqlite(dir.resolve("other.db"))) {
            assertThat(engine.capability(TaskStore.class)).isPresent();
        }
    }
}
