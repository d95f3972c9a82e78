package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlTest {

    @Test
    void namedParametersBecomePositionalButCastsAndStringsStay() {
        var sql = Sql.parse("SELECT ':not' , x::text FROM t WHERE a = :a AND b = ANY(:ids::text[]) OR c = :a", Dialect.POSTGRESQL);
        assertThat(sql.text()).isEqualTo("SELECT ':not' , x::text FROM t WHERE a = ? AND b = ANY(?::text[]) OR c = ?");
    }

    @Test
    void bindsByNameEveryPlaceANameAppearsAndRefusesUnknownNames(@TempDir Path dir) throws Exception {
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"))) {
            var sql = Sql.parse("SELECT :a || '-' || :b || '-' || :a AS joined, (SELECT count(*) FROM json_each(:ids)) AS n",
                    Dialect.SQLITE);
            try (var statement = sql.prepare(connection)) {
                statement.string("a", "x");
                statement.string("b", "y");
                statement.list("ids", List.of("1", "2\"", "3"));
                try (var rows = statement.query()) {
                    rows.next();
                    assertThat(rows.getString("joined")).isEqualTo("x-y-x");
                    assertThat(rows.getInt("n")).isEqualTo(3);
                }
                assertThatThrownBy(() -> statement.string("c", "z")).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(":c");
            }
        }
    }

    @Test
    void onSqliteAListReachesJsonEachAsItWasWhateverItsCharacters(@TempDir Path dir) throws Exception {
        var values = List.of("plain", "quote\"d", "back\\slash", "tab\tnew\nline\u0001", "é ü 漢字 🙂", "");
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
             var statement = Sql.parse("SELECT value FROM json_each(:ids) ORDER BY key", Dialect.SQLITE).prepare(connection)) {
            statement.list("ids", values);
            var read = new java.util.ArrayList<String>();
            try (var rows = statement.query()) {
                while (rows.next()) {
                    read.add(rows.getString(1));
                }
            }
            assertThat(read).isEqualTo(values);
        }
    }

    @Test
    void templatesExpandTheTableTheClockAndTheStatesAndRefuseUnknownPlaceholders() {
        var templates = new SqlTemplates(Dialect.POSTGRESQL, "s.coda_tasks") {
        };
        assertThat(templates.sql("UPDATE {tasks} SET state = {running} WHERE state IN ({live}) AND run_at <= {now}{lock}").text())
                .isEqualTo("UPDATE s.coda_tasks SET state = 'running' WHERE state IN ('queued', 'running') AND run_at <= now()"
                        + " FOR UPDATE SKIP LOCKED");
        assertThatThrownBy(() -> templates.sql("SELECT {nope}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onSqliteAClosedStatementIsPreparedOnceAndReusedOnItsConnectionWithItsParametersCleared(@TempDir Path dir)
            throws Exception {
        var sql = Sql.parse("SELECT :a AS a", Dialect.SQLITE);
        try (var first = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
             var second = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"))) {
            Sql.Statement used;
            try (var statement = sql.prepare(first)) {
                statement.string("a", "x");
                try (var rows = statement.query()) {
                    rows.next();
                    assertThat(rows.getString("a")).isEqualTo("x");
                }
                used = statement;
            }
            try (var again = sql.prepare(first)) {
                assertThat(again).isSameAs(used);
                try (var rows = again.query()) {
                    rows.next();
                    assertThat(rows.getString("a")).as("the last call's parameter is not bound again").isNull();
                }
            }
            try (var elsewhere = sql.prepare(second)) {
                assertThat(elsewhere).as("a statement belongs to its connection").isNotSameAs(used);
            }
            first.close();
            try (var reopened = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
                 var statement = sql.prepare(reopened)) {
                statement.string("a", "y");
                try (var rows = statement.query()) {
                    rows.next();
                    assertThat(rows.getString("a")).isEqualTo("y");
                }
            }
        }
    }
}
