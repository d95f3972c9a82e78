package dev.coda.durable;

import dev.coda.testsupport.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh engine for one test: a SQLite file in the test's temporary folder, or a fresh PostgreSQL schema
 * {@code coda_test_<random>} dropped afterwards.
 */
public final class EngineFixture implements AutoCloseable {

    final EngineKind kind;
    final String url;
    private final String schema;
    private final String postgresBase;
    private final List<TaskEngine> engines = new ArrayList<>();

    private EngineFixture(EngineKind kind, String url, String schema, String postgresBase) {
        this.kind = kind;
        this.url = url;
        this.schema = schema;
        this.postgresBase = postgresBase;
    }

    public static EngineFixture create(EngineKind kind, Path dir) {
        return switch (kind) {
            case SQLITE -> new EngineFixture(kind, "jdbc:sqlite:" + dir.resolve("tasks.db"), null, null);
            case POSTGRES -> {
                var base = TestPostgres.url();
                var schema = "coda_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                yield new EngineFixture(kind, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, schema, base);
            }
        };
    }

    /** A new engine on the fixture's database (closed with the fixture). */
    public TaskEngine open() {
        var engine = TaskEngine.fromUrl(url);
        engines.add(engine);
        return engine;
    }

    /** A plain JDBC connection to the same database (the application's own connection). */
    public Connection connection() throws SQLException {
        if (kind == EngineKind.SQLITE) {
            var connection = DriverManager.getConnection(url);
            try (var statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
            }
            return connection;
        }
        return DriverManager.getConnection(postgresBase);
    }

    /** The PostgreSQL schema of the tables, or {@code null} on SQLite. */
    public String schema() {
        return schema;
    }

    /** The tasks table, qualified. */
    String table() {
        return schema == null ? "coda_tasks" : schema + ".coda_tasks";
    }

    /** The migrations table, qualified. */
    String migrationsTable() {
        return schema == null ? "coda_migrations" : schema + ".coda_migrations";
    }

    @Override
    public void close() throws SQLException {
        for (var engine : engines) {
            engine.close();
        }
        if (schema != null) {
            try (var connection = DriverManager.getConnection(postgresBase); var statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
