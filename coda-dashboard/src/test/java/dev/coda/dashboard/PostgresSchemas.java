package dev.coda.dashboard;

import dev.coda.durable.TaskEngine;
import dev.coda.testsupport.TestPostgres;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/** Engines on the test PostgreSQL, each in a schema of its own, which {@link #drop} removes. */
final class PostgresSchemas {

    private String schema;

    /** An engine in a new schema (the test is skipped, or fails under CI=true, without PostgreSQL). */
    TaskEngine engine() {
        schema = "dashboard_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return TaskEngine.postgres(TestPostgres.url(), schema);
    }

    /** The schema of the last engine. */
    String schema() {
        return schema;
    }

    /** Drops the schema of the last engine, if one was made. */
    void drop() throws SQLException {
        if (schema == null) {
            return;
        }
        try (var connection = DriverManager.getConnection(TestPostgres.url()); var statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        schema = null;
    }
}
