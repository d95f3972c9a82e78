package dev.coda.durable.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Coda's schema, as numbered migrations ({@code src/main/resources/dev/coda/durable/migrations/<dialect>/V<n>.sql})
 * recorded in {@code coda_migrations}: each runs once, in order,
 * inside the transaction that records it. A released migration is never edited: a schema change is a new
 * one, so that databases created by earlier versions are brought up to date. The caller holds a lock that serialises concurrent starts
 * (SQLite: {@code BEGIN IMMEDIATE}; PostgreSQL: a transaction-scoped advisory lock).
 */
final class Migrations {

    private static final String FOLDER = "dev/coda/durable/migrations/";

    record Migration(int version, String description, List<String> statements) {
    }

    private Migrations() {
    }

    static List<Migration> sqlite() {
        return load(Dialect.SQLITE, Map.of());
    }

    static List<Migration> postgres(String schema, String channel) {
        return load(Dialect.POSTGRESQL, Map.of("schema", schema, "channel", channel));
    }

    /**
     * The dialect's migrations, {@code V1.sql}, {@code V2.sql}... up to the first missing number, with
     * {@code ${name}} replaced by {@code variables}; a file's first line, {@code -- description}, names it, and its
     * statements end with a {@code ;} at the end of a line.
     */
    static List<Migration> load(Dialect dialect, Map<String, String> variables) {
        var out = new ArrayList<Migration>();
        for (int version = 1; ; version++) {
            var resource = FOLDER + dialect.migrations() + "/V" + version + ".sql";
            String text;
            // through the class, not its loader: on the module path a loader does not see an encapsulated package's files
            try (var in = Migrations.class.getResourceAsStream("/" + resource)) {
                if (in == null) {
                    break;
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the migration " + resource, e);
            }
            for (var variable : variables.entrySet()) {
                text = text.replace("${" + variable.getKey() + "}", variable.getValue());
            }
            var lines = text.lines().toList();
            if (lines.isEmpty() || !lines.get(0).startsWith("-- ")) {
                throw new IllegalStateException(resource + " must start with a line '-- description'");
            }
            var sql = lines.stream().filter(line -> !line.stripLeading().startsWith("--")).collect(Collectors.joining("\n"));
            var statements = Arrays.stream(sql.split(";[ \t]*(\n|$)")).map(String::strip).filter(statement -> !statement.isEmpty())
                    .toList();
            out.add(new Migration(version, lines.get(0).substring(3).strip(), statements));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no migrations in " + FOLDER + dialect.migrations());
        }
        return out;
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
