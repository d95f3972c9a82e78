package dev.coda.durable.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Databases as earlier versions of Coda left them: the schema at one of its past migration versions. */
public final class OldSchemas {

    private OldSchemas() {
    }

    /**
     * Creates Coda's tables as they were at {@code version}, committed: in SQLite when {@code schema} is
     * {@code null}, else in that PostgreSQL schema (created here).
     */
    public static void create(Connection connection, String schema, int version) throws SQLException {
        var sqlite = schema == null;
        var migrations = sqlite ? Migrations.sqlite() : Migrations.postgres(schema, "coda_tasks_" + schema);
        var migrationsTable = sqlite ? "coda_migrations" : schema + ".coda_migrations";
        connection.setAutoCommit(false);
        try (var statement = connection.createStatement()) {
            if (!sqlite) {
                statement.execute("CREATE SCHEMA " + schema);
            }
            statement.execute("CREATE TABLE " + migrationsTable + " (version integer PRIMARY KEY, description text NOT NULL,"
                    + " applied_at " + (sqlite ? "integer" : "timestamptz") + " NOT NULL)");
        }
        Migrations.apply(connection, migrationsTable, sqlite ? "0" : "now()", migrations.subList(0, version), "an old schema");
        connection.commit();
        connection.setAutoCommit(true);
    }
}
