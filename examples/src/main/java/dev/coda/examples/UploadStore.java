package dev.coda.examples;

import dev.coda.durable.DurableTasks;
import dev.coda.durable.spi.TransactionalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the {@code files} example keeps uploads so that every role can read them: a table in the task
 * engine's database, through the engine's connections (the default), or a directory ({@code --data-dir}).
 */
interface UploadStore {

    /**
     * Stores an upload; returns its id.
     *
     * @throws dev.coda.tasks.TasksUnavailableException if the database cannot be reached (the app answers 503)
     */
    String save(byte[] content);

    /** Reads an upload; empty if there is none with this id. */
    Optional<byte[]> load(String id);

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
            public Optional<byte[]> load(String id) {
                try {
                    return Optional.of(Files.readAllBytes(dir.resolve(id)));
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /**
     * A table {@code file_uploads} in the database of {@code durable}'s engine (SQLite or PostgreSQL), used through
     * the engine's connections: its pool on PostgreSQL, and its fail-fast answer when the database is down.
     */
    static UploadStore database(DurableTasks durable) {
        if (durable.engine().capability(TransactionalStore.class).isEmpty()) {
            throw new IllegalArgumentException("the uploads are kept in the task engine's database, and " + durable.engine()
                    + " has none: give the files example a folder for them with --data-dir DIR (the same folder for its web"
                    + " and worker processes)");
        }
        try {
            durable.inTransaction(connection -> {
                boolean postgres = connection.getMetaData().getDatabaseProductName().equals("PostgreSQL");
                try (var statement = connection.createStatement()) {
                    if (postgres) {
                        // processes starting together: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a
                        // concurrent one (duplicate key in pg_type), so they take turns
                        statement.execute("SELECT pg_advisory_xact_lock(hashtext('coda-examples:file_uploads'))");
                    }
                    statement.execute("CREATE TABLE IF NOT EXISTS file_uploads (id VARCHAR(64) PRIMARY KEY, content "
                            + (postgres ? "BYTEA" : "BLOB") + " NOT NULL)");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the uploads table in " + durable.engine() + ": " + e.getMessage(), e);
        }
        return new UploadStore() {
            @Override
            public String save(byte[] content) {
                var id = UUID.randomUUID().toString();
                try {
                    durable.inTransaction(connection -> {
                        try (var insert = connection.prepareStatement("INSERT INTO file_uploads (id, content) VALUES (?, ?)")) {
                            insert.setString(1, id);
                            insert.setBytes(2, content);
                            return insert.executeUpdate();
                        }
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot store an upload: " + e.getMessage(), e);
                }
                return id;
            }

            @Override
            public Optional<byte[]> load(String id) {
                try {
                    return durable.inTransaction(connection -> {
                        try (var select = connection.prepareStatement("SELECT content FROM file_uploads WHERE id = ?")) {
                            select.setString(1, id);
                            try (var rows = select.executeQuery()) {
                                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.<byte[]>empty();
                            }
                        }
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot read upload " + id + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
