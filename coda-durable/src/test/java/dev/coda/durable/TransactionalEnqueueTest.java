package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TasksUnavailableException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Enqueueing inside the application's own JDBC transaction, on its connection or the engine's
 * ({@link DurableTasks#inTransaction}): the task exists iff the transaction commits.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class TransactionalEnqueueTest extends EngineTestBase {

    private final String key = UUID.randomUUID().toString();

    private void createOrders() throws Exception {
        try (var connection = fixture.connection(); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + orders() + " (id INTEGER PRIMARY KEY)");
        }
    }

    /** The application's table, in the test's schema on PostgreSQL (dropped with it; the engine's connections use it too). */
    private String orders() {
        var table = "orders_" + key.substring(0, 8);
        return fixture.schema() == null ? table : fixture.schema() + "." + table;
    }

    private long count(String table) throws Exception {
        try (var connection = fixture.connection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void theTaskExistsWhenTheTransactionCommits() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        createOrders();
        String id;
        try (var tx = fixture.connection()) {
            tx.setAutoCommit(false);
            try (var insert = tx.prepareStatement("INSERT INTO " + orders() + " (id) VALUES (1)")) {
                insert.executeUpdate();
            }
            id = durable.enqueue(tx, TaskCall.of(Jobs::note, key, 1));
            tx.commit();
        }
        assertThat(count(orders())).isEqualTo(1);
        assertThat(durable.status(id).orElseThrow().state()).isEqualTo(DurableState.QUEUED);
        try (var worker = durable.worker().pollInterval(Duration.ofMillis(50)).start()) {
            EngineTestBase.await().until(() -> durable.status(id).orElseThrow().state() == DurableState.SUCCEEDED);
        }
        assertThat(Jobs.recorded(key)).containsExactly(1);
    }

    @Test
    void noTaskWhenTheTransactionRollsBack() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        createOrders();
        String id;
        try (var tx = fixture.connection()) {
            tx.setAutoCommit(false);
            try (var insert = tx.prepareStatement("INSERT INTO " + orders() + " (id) VALUES (1)")) {
                insert.executeUpdate();
            }
            id = durable.enqueueAll(tx, List.of(TaskCall.of(Jobs::note, key, 1), TaskCall.of(Jobs::note, key, 2))).get(0);
            tx.rollback();
        }
        assertThat(count(orders())).isZero();
        assertThat(durable.status(id)).isEmpty();
        assertThat(durable.counts()).isEmpty();
        assertThat(count(fixture.table())).isZero();
    }

    @Test
    void committingWakesWorkersOfOtherProcessesOnPostgres() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        var other = fixture.open(); // another process's engine
        if (kind == EngineKind.POSTGRES) {
            other.awaitWork(Duration.ofSeconds(5)); // its listener is up once this returns
        }
        var ready = new CountDownLatch(1);
        try (var pool = Executors.newSingleThreadExecutor(); var tx = fixture.connection()) {
            var waited = pool.submit(() -> {
                other.claim("w", List.of("default"), 1, Duration.ofSeconds(30));
                ready.countDown();
                long start = System.nanoTime();
                other.awaitWork(Duration.ofSeconds(kind == EngineKind.POSTGRES ? 20 : 1));
                return Duration.ofNanos(System.nanoTime() - start);
            });
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            tx.setAutoCommit(false);
            durable.enqueue(tx, TaskCall.of(Jobs::note, key, 1));
            tx.commit();
            var took = waited.get(30, TimeUnit.SECONDS);
            if (kind == EngineKind.POSTGRES) {
                assertThat(took).as("NOTIFY sent at commit").isLessThan(Duration.ofSeconds(5));
            } else {
                assertThat(took).as("SQLite workers of other processes poll").isGreaterThanOrEqualTo(Duration.ofMillis(950));
            }
        }
    }

    @Test
    void inTransactionStoresTheApplicationsRowsAndTheirTasksTogetherWithTheEnginesConnection() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        createOrders();
        var id = durable.inTransaction(connection -> {
            try (var insert = connection.prepareStatement("INSERT INTO " + orders() + " (id) VALUES (1)")) {
                insert.executeUpdate();
            }
            return durable.enqueue(connection, TaskCall.of(Jobs::note, key, 1));
        });
        assertThat(count(orders())).isEqualTo(1);
        assertThat(durable.status(id).orElseThrow().state()).isEqualTo(DurableState.QUEUED);

        var failure = new IllegalStateException("the order is invalid");
        assertThatThrownBy(() -> durable.inTransaction(connection -> {
            try (var insert = connection.prepareStatement("INSERT INTO " + orders() + " (id) VALUES (2)")) {
                insert.executeUpdate();
            }
            durable.enqueue(connection, TaskCall.of(Jobs::note, key, 2));
            throw failure;
        })).isSameAs(failure);
        assertThat(count(orders())).as("rolled back").isEqualTo(1);
        assertThat(count(fixture.table())).isEqualTo(1);
    }

    @Test
    void anSqlErrorOfTheApplicationsWorkIsItsOwnNotAnUnavailableEngine() throws Exception {
        var durable = DurableTasks.on(engine).task(Jobs::note).build();
        assertThatThrownBy(() -> durable.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                return statement.executeQuery("SELECT * FROM no_such_table_" + key.substring(0, 8));
            }
        })).isInstanceOf(SQLException.class).isNotInstanceOf(TasksUnavailableException.class);
        // the engine answered: it is not taken for down, and the next call goes through
        assertThat(durable.enqueue(TaskCall.of(Jobs::note, key, 1))).isNotBlank();
    }
}
