package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {

    private static List<String> normalised(List<Migrations.Migration> migrations) {
        var out = new ArrayList<String>();
        for (var migration : migrations) {
            out.add(migration.version() + ": " + String.join("; ", migration.statements()).replaceAll("\\s+", " "));
        }
        return out;
    }

    /** SHA-256 of {@link #normalised} migrations, in hex. */
    private static String fingerprint(List<Migrations.Migration> migrations) throws Exception {
        var digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(String.join("\n", normalised(migrations)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest);
    }

    /**
     * The fingerprints of the DDL that the engine ran as Java strings before the migrations became {@code .sql} files:
     * a database that those strings created is the one the files create, so recording the same versions is right.
     * (Later versions were written as files.)
     */
    @Test
    void theSqlResourcesHoldTheStatementsTheJavaStringsHeld() throws Exception {
        assertThat(fingerprint(Migrations.sqlite().subList(0, 2))).isEqualTo("a9492670b64901e5221840df212364a7982012271b88316df955645b802dc939");
        assertThat(fingerprint(Migrations.postgres("app", "coda_tasks_app").subList(0, 3)))
                .isEqualTo("fbaf15fdef55cce260b9e18c374df88c25b795a81ea53a5b7960d585ce8855ea");
        assertThat(Migrations.postgres("app", "c").get(2).description()).isEqualTo("notify after commit, not from a trigger");
        assertThat(Migrations.sqlite()).extracting(Migrations.Migration::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(Migrations.postgres("app", "c")).extracting(Migrations.Migration::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    private static List<String> schema(Connection connection) throws Exception {
        var out = new ArrayList<String>();
        try (var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT sql FROM sqlite_master WHERE name LIKE 'coda_tasks%' ORDER BY name")) {
            while (rows.next()) {
                out.add(rows.getString(1).replaceAll("\\s+", " "));
            }
        }
        return out;
    }

    @Test
    void aFileAtTheLatestRecordedVersionIsLeftAsItIsAndIsIdenticalToANewOne(@TempDir Path dir) throws Exception {
        var old = dir.resolve("old.db");
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + old)) {
            connection.createStatement().execute("CREATE TABLE coda_migrations (version INTEGER PRIMARY KEY,"
                    + " description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            connection.setAutoCommit(false);
            Migrations.apply(connection, "coda_migrations", "0", Migrations.sqlite(), "an earlier start");
            connection.commit();
        }
        try (var engine = new SqliteTaskEngine(old, SqliteTaskEngine.Synchronous.NORMAL)) {
            assertThat(engine.counts()).isEmpty();
        }
        try (var fresh = new SqliteTaskEngine(dir.resolve("new.db"), SqliteTaskEngine.Synchronous.NORMAL)) {
            assertThat(fresh.counts()).isEmpty();
        }
        try (var oldConnection = DriverManager.getConnection("jdbc:sqlite:" + old);
             var newConnection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("new.db"));
             var rows = oldConnection.createStatement().executeQuery("SELECT count(*), max(applied_at) FROM coda_migrations")) {
            rows.next();
            assertThat(rows.getInt(1)).as("nothing applied again").isEqualTo(Migrations.sqlite().size());
            assertThat(rows.getLong(2)).as("the rows of the earlier start").isZero();
            assertThat(schema(newConnection)).isEqualTo(schema(oldConnection)).hasSize(6);
        }
    }
}
