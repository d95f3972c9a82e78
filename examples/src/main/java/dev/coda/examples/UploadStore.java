package dev.coda.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Where the {@code files} example keeps uploads so that every role can read them: a table in the task
 * engine's database (the default), or a directory ({@code --data-dir}).
 */
interface UploadStore {

    /** Stores an upload; returns its id. */
    String save(byte[] content);

    /** Reads an upload. */
    byte[] load(String id);

    static UploadStore directory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new UploadStore() {
            @Override
            public String save(byte[] content) {
                var id = UUID.randomUUID().toString();
                try {
                    var tmp = dir.resolve(id + ".part");
                    Files.write(tmp, content);
                    Files.move(tmp, dir.resolve(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return id;
            }

            @Override
            public byte[] load(String id) {
                try {
                    return Files.readAllBytes(dir.resolve(id));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** A table {@code file_uploads} in the database at {@code jdbcUrl} (SQLite or PostgreSQL). */
    static UploadStore database(String jdbcUrl) {
        boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        try (var connection = DriverManager.getConnection(jdbcUrl)) {
            try (var statement = connection.createStatement()) {
                if (postgres) {
                    // processes starting together: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a
                    // concurrent one (duplicate key in pg_type), so they take turns
                    connection.setAutoCommit(false);
                    statement.execute("SELECT pg_advisory_xact_lock(hashtext('coda-examples:file_uploads'))");
                }
                statement.execute("CREATE TABLE IF NOT EXISTS file_uploads (id VARCHAR(64) PRIMARY KEY, content "
                        + (postgres ? "BYTEA" : "BLOB") + " NOT NULL)");
                if (postgres) {
                    connection.commit();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the uploads table at " + jdbcUrl + ": " + e.getMessage(), e);
        }
        return new UploadStore() {
            @Override
            public String save(byte[] content) {
                var id = UUID.randomUUID().toString();
                try (Connection connection = DriverManager.getConnection(jdbcUrl);
                     var insert = connection.prepareStatement("INSERT INTO file_uploads (id, content) VALUES (?, ?)")) {
                    insert.setString(1, id);
                    insert.setBytes(2, content);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot store an upload: " + e.getMessage(), e);
                }
                return id;
            }

            @Override
            public byte[] load(String id) {
                try (Connection connection = DriverManager.getConnection(jdbcUrl);
                     var select = connection.prepareStatement("SELECT content FROM file_uploads WHERE id = ?")) {
                    select.setString(1, id);
                    try (var rows = select.executeQuery()) {
                        if (!rows.next()) {
                            throw new IllegalArgumentException("no upload " + id);
                        }
                        return rows.getBytes(1);
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot read upload " + id + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
