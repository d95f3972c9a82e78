package dev.coda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A PostgreSQL server of the test's own keeps committed rows through a SIGKILL of all its processes, and stops answering while frozen. */
class OwnPostgresTest {

    @Test
    void a_committed_row_survives_a_crash_of_every_server_process_and_the_restart_is_on_the_same_port() throws Exception {
        try (var pg = OwnPostgres.start()) {
            System.out.printf("OwnPostgres: started in %d ms (after initdb)%n", pg.startTime().toMillis());
            var url = pg.url("crash_test");
            assertThat(url).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?user=postgres&currentSchema=crash_test");
            try (var connection = DriverManager.getConnection(url); var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE tasks (id text PRIMARY KEY)");
                statement.execute("INSERT INTO tasks VALUES ('kept')");
            }

            pg.crash();
            assertThat(pg.answers(Duration.ofMillis(500))).as("a crashed server").isFalse();
            pg.restart();
            System.out.printf("OwnPostgres: restarted (crash recovery) in %d ms%n", pg.startTime().toMillis());

            try (var connection = DriverManager.getConnection(url); var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT id FROM tasks")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("kept");
            }
        }
    }

    @Test
    void a_frozen_server_answers_nothing_even_on_an_open_connection_until_it_is_thawed() throws Exception {
        var pg = OwnPostgres.start();
        long pid = pg.rootPid();
        var folder = pg.folder();
        try (var connection = DriverManager.getConnection(pg.url("public") + "&socketTimeout=1");
             var statement = connection.createStatement()) {
            statement.execute("SELECT 1");

            pg.freeze();
            assertThat(pg.answers(Duration.ofMillis(500))).as("a new connection while frozen").isFalse();
            long start = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.execute("SELECT 1"))
                    .as("a query on a connection opened before").isInstanceOf(java.sql.SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            pg.thaw();

            assertThat(pg.answers(Duration.ofSeconds(5))).as("after thawing").isTrue();
        } finally {
            pg.close();
        }
        assertThat(ProcessTree.exists(pid)).isFalse();
        assertThat(folder).doesNotExist();
    }
}
