package dev.coda.durable.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Coda's schema, as numbered migrations recorded in {@code coda_migrations}: each runs once, in order,
 * inside the transaction that records it. A released migration is never edited: a schema change is a new
 * one, so that databases created by earlier versions are brought up to date. The caller holds a lock that serialises concurrent starts
 * (SQLite: {@code BEGIN IMMEDIATE}; PostgreSQL: a transaction-scoped advisory lock).
 */
final class Migrations {

    record Migration(int version, String description, List<String> statements) {
    }

    private Migrations() {
    }

    static List<Migration> sqlite() {
        return List.of(new Migration(1, "tasks table", List.of("""
                CREATE TABLE coda_tasks (
                    id           TEXT PRIMARY KEY NOT NULL,
                    name         TEXT NOT NULL,
                    queue        TEXT NOT NULL,
                    priority     INTEGER NOT NULL DEFAULT 0,
                    args         TEXT NOT NULL,
                    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                    attempts     INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL,
                    run_at       INTEGER NOT NULL,
                    unique_key   TEXT,
                    lease_owner  TEXT,
                    lease_until  INTEGER,
                    created_at   INTEGER NOT NULL,
                    started_at   INTEGER,
                    finished_at  INTEGER,
                    last_error   TEXT,
                    result       TEXT
                )""",
                "CREATE INDEX coda_tasks_ready ON coda_tasks (queue, priority DESC, run_at, id) WHERE state = 'queued'",
                "CREATE INDEX coda_tasks_leases ON coda_tasks (queue, lease_until) WHERE state = 'running'",
                "CREATE UNIQUE INDEX coda_tasks_unique_live ON coda_tasks (unique_key)"
                        + " WHERE unique_key IS NOT NULL AND state IN ('queued', 'running')")),
                new Migration(2, "timeouts per task", List.of("ALTER TABLE coda_tasks ADD COLUMN timeout_ms INTEGER")));
    }

    static List<Migration> postgres(String schema, String channel) {
        var t = schema + ".coda_tasks";
        return List.of(new Migration(1, "tasks table", List.of("""
                CREATE TABLE %s (
                    id           text PRIMARY KEY,
                    name         text NOT NULL,
                    queue        text NOT NULL,
                    priority     integer NOT NULL DEFAULT 0,
                    args         text NOT NULL,
                    state        text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
                    attempts     integer NOT NULL DEFAULT 0,
                    max_attempts integer NOT NULL,
                    run_at       timestamptz NOT NULL,
                    unique_key   text,
                    lease_owner  text,
                    lease_until  timestamptz,
                    created_at   timestamptz NOT NULL,
                    started_at   timestamptz,
                    finished_at  timestamptz,
                    last_error   text,
                    result       text
                ) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)""".formatted(t),
                "CREATE INDEX coda_tasks_ready ON " + t + " (queue, priority DESC, run_at, id) WHERE state = 'queued'",
                "CREATE INDEX coda_tasks_leases ON " + t + " (queue, lease_until) WHERE state = 'running'",
                "CREATE UNIQUE INDEX coda_tasks_unique_live ON " + t + " (unique_key)"
                        + " WHERE unique_key IS NOT NULL AND state IN ('queued', 'running')",
                // a wake-up for listening workers, sent at commit by every transaction that stores tasks (ours or the application's)
                "CREATE FUNCTION " + schema + ".coda_tasks_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('"
                        + channel + "', ''); RETURN NULL; END $$",
                "CREATE TRIGGER coda_tasks_stored AFTER INSERT ON " + t + " FOR EACH STATEMENT EXECUTE FUNCTION " + schema
                        + ".coda_tasks_notify()")),
                new Migration(2, "timeouts per task", List.of("ALTER TABLE " + t + " ADD COLUMN timeout_ms bigint")),
                // NOTIFY inside a storing transaction holds PostgreSQL's global notification lock across the commit,
                // serialising all enqueues; the engine notifies after committing instead
                new Migration(3, "notify after commit, not from a trigger", List.of(
                        "DROP TRIGGER IF EXISTS coda_tasks_stored ON " + t,
                        "DROP FUNCTION IF EXISTS " + schema + ".coda_tasks_notify()")));
    }

    /**
     * Applies the pending migrations on {@code connection}, inside the caller's transaction; the table
     * {@code migrationsTable} must exist. Returns the number applied.
     */
    static int apply(Connection connection, String migrationsTable, String nowSql, List<Migration> migrations, String where)
            throws SQLException {
        int current;
        try (var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + migrationsTable)) {
            rows.next();
            current = rows.getInt(1);
        }
        int latest = migrations.get(migrations.size() - 1).version();
        if (current > latest) {
            JdbcTaskEngine.LOG.warn("The durable task schema in {} is at version {}, newer than this Coda knows ({}); "
                    + "using it as it is", where, current, latest);
            return 0;
        }
        int applied = 0;
        for (var migration : migrations) {
            if (migration.version() <= current) {
                continue;
            }
            try (var statement = connection.createStatement()) {
                for (var sql : migration.statements()) {
                    statement.execute(sql);
                }
            }
            try (var record = connection.prepareStatement(
                    "INSERT INTO " + migrationsTable + " (version, description, applied_at) VALUES (?, ?, " + nowSql + ")")) {
                record.setInt(1, migration.version());
                record.setString(2, migration.description());
                record.executeUpdate();
            }
            JdbcTaskEngine.LOG.info("Durable task schema in {}: applied migration {} ({})", where, migration.version(),
                    migration.description());
            applied++;
        }
        return applied;
    }
}
