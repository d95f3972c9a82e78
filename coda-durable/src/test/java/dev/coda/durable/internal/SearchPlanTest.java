package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.EngineFixture;
import dev.coda.durable.EngineKind;
import dev.coda.durable.spi.TaskQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dashboard's statements walk indexes, never the whole table: the plans the databases choose for search, counts and
 * purge. PostgreSQL is asked with sequential scans disabled, so that a plan still scanning the table means that no
 * index can serve it (on a small table it would rightly prefer a scan).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class SearchPlanTest {

    @Parameter
    EngineKind kind;

    @TempDir
    Path dir;

    private EngineFixture fixture;
    private Connection connection;
    private TaskSearches searches;

    @BeforeEach
    void open() throws Exception {
        fixture = EngineFixture.create(kind, dir);
        fixture.open(); // creates the tables
        connection = fixture.connection();
        var dialect = kind == EngineKind.SQLITE ? Dialect.SQLITE : Dialect.POSTGRESQL;
        searches = new TaskSearches(dialect, fixture.schema() == null ? "coda_tasks" : fixture.schema() + ".coda_tasks");
        if (kind == EngineKind.POSTGRES) {
            try (var statement = connection.createStatement()) {
                statement.execute("SET enable_seqscan = off");
            }
        }
    }

    @AfterEach
    void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
        fixture.close();
    }

    /** The plan's lines, every parameter bound. */
    private List<String> plan(String template) throws Exception {
        var explain = searches.sql((kind == EngineKind.SQLITE ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + template);
        var lines = new ArrayList<String>();
        try (var statement = explain.prepare(connection)) {
            for (var name : List.of("queue", "name", "state", "after_id", "created_from_id", "created_before_id", "finished_before_id", "error_text",
                    "argument_text")) {
                if (template.contains(":" + name)) {
                    statement.string(name, "x");
                }
            }
            for (var name : List.of("created_from", "created_before", "after_created", "finished_before")) {
                if (template.contains(":" + name)) {
                    statement.time(name, Instant.now());
                }
            }
            if (template.contains(":limit")) {
                statement.integer("limit", 51);
            }
            try (var rows = statement.query()) {
                while (rows.next()) {
                    lines.add(rows.getString(kind == EngineKind.SQLITE ? "detail" : "QUERY PLAN"));
                }
            }
        }
        return lines;
    }

    /** No line reads the tasks table without an index, and one of {@code indexes} is used. */
    private void assertIndexed(List<String> plan, String... indexes) {
        if (kind == EngineKind.SQLITE) {
            assertThat(plan).as("%s", plan).noneMatch(line -> line.matches("SCAN coda_tasks( .*)?") && !line.contains("INDEX"));
        } else {
            assertThat(plan).as("%s", plan).noneMatch(line -> line.contains("Seq Scan on coda_tasks "));
        }
        assertThat(String.join("\n", plan)).as("%s", plan).containsAnyOf(indexes);
    }

    /** On SQLite succeeded tasks are not in {@code coda_tasks_finished} but walked through the primary key, by time-ordered id. */
    private String finishedIndex(StoredState state) {
        return kind == EngineKind.SQLITE && state == StoredState.SUCCEEDED ? "sqlite_autoindex_coda_tasks_1" : "coda_tasks_finished";
    }

    @Test
    void aSearchOfAFinalStateWalksTheIndexOfFinishedTasksALiveOneTheIndexOfItsClaims() throws Exception {
        var filtered = TaskQuery.newest(50).inQueue("mail").named("Mail.send").createdBetween(Instant.EPOCH, Instant.now());
        for (var query : List.of(TaskQuery.newest(50), filtered)) {
            for (boolean keyset : List.of(false, true)) {
                for (var state : List.of(StoredState.SUCCEEDED, StoredState.FAILED, StoredState.CANCELLED)) {
                    assertIndexed(plan(searches.searchTemplate(state, null, query, keyset)), finishedIndex(state));
                }
                assertIndexed(plan(searches.searchTemplate(StoredState.QUEUED, null, query, keyset)), "coda_tasks_ready");
                assertIndexed(plan(searches.searchTemplate(StoredState.QUEUED, true, query, keyset)), "coda_tasks_ready");
                assertIndexed(plan(searches.searchTemplate(StoredState.RUNNING, null, query, keyset)), "coda_tasks_leases");
            }
        }
    }

    @Test
    void aTextSearchWalksTheSameIndexesItsBoundedCandidatesAndItsFrontierToo() throws Exception {
        var text = TaskQuery.newest(50).inQueue("mail").errorContaining("timed out").argumentsContaining("alice");
        for (boolean keyset : List.of(false, true)) {
            for (var state : List.of(StoredState.SUCCEEDED, StoredState.FAILED, StoredState.CANCELLED)) {
                assertIndexed(plan(searches.searchTemplate(state, null, text, keyset)), finishedIndex(state));
                assertIndexed(plan(searches.frontierTemplate(state, null, text, keyset)), finishedIndex(state));
            }
            assertIndexed(plan(searches.searchTemplate(StoredState.QUEUED, null, text, keyset)), "coda_tasks_ready");
            assertIndexed(plan(searches.frontierTemplate(StoredState.QUEUED, null, text, keyset)), "coda_tasks_ready");
            assertIndexed(plan(searches.searchTemplate(StoredState.RUNNING, null, text, keyset)), "coda_tasks_leases");
        }
        assertThat(searches.searchTemplate(StoredState.FAILED, null, text, false)).as("the candidates are bounded")
                .contains("LIMIT " + TaskQuery.TEXT_SCAN);
    }

    @Test
    void countsReadTheLiveStatesThroughAnIndexAndTheFinalOnesFromCounters() throws Exception {
        var plan = plan(TaskCounters.COUNTS);
        assertIndexed(plan, "coda_tasks_ready");
        assertThat(String.join("\n", plan)).contains("coda_tasks_leases");
        assertThat(String.join("\n", plan)).contains("coda_task_counts");
    }

    @Test
    void purgeWalksTheIndexOfFinishedTasks() throws Exception {
        for (var state : List.of(StoredState.SUCCEEDED, StoredState.FAILED, StoredState.CANCELLED)) {
            assertIndexed(plan(searches.purgeTemplate(state)), finishedIndex(state));
        }
    }
}
