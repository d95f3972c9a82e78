package dev.coda.durable.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A statement with named parameters ({@code :queue}), turned once into JDBC's positional {@code ?}, and bound
 * by name, one column a line, with the dialect's types for times and lists.
 *
 * <pre>{@code
 * var cancel = Sql.parse("UPDATE coda_tasks SET state = 'cancelled' WHERE id = :id", dialect);
 * try (var statement = cancel.prepare(connection)) {
 *     statement.string("id", id);
 *     return statement.update() == 1;
 * }
 * }</pre>
 * A {@code ::} (a PostgreSQL cast) and anything in single quotes are not parameters. Where the dialect
 * {@linkplain Dialect#keepsStatements keeps statements}, closing a statement keeps it prepared, its parameters cleared,
 * for the next {@link #prepare} on the same connection (one kept a {@code Sql}; others are closed as usual).
 */
final class Sql {

    private final String text;
    private final String[] names;
    private final Dialect dialect;
    /** The statement last closed, prepared and idle, when the dialect keeps statements. */
    private final AtomicReference<Statement> kept = new AtomicReference<>();

    private Sql(String text, String[] names, Dialect dialect) {
        this.text = text;
        this.names = names;
        this.dialect = dialect;
    }

    static Sql parse(String named, Dialect dialect) {
        var text = new StringBuilder(named.length());
        var names = new ArrayList<String>();
        boolean quoted = false;
        for (int i = 0; i < named.length(); i++) {
            char ch = named.charAt(i);
            if (ch == '\'') {
                quoted = !quoted;
            } else if (!quoted && ch == ':' && i + 1 < named.length() && named.charAt(i + 1) == ':') {
                text.append("::");
                i++;
                continue;
            } else if (!quoted && ch == ':' && i + 1 < named.length() && Character.isJavaIdentifierStart(named.charAt(i + 1))) {
                int end = i + 1;
                while (end < named.length() && Character.isJavaIdentifierPart(named.charAt(end))) {
                    end++;
                }
                names.add(named.substring(i + 1, end));
                text.append('?');
                i = end - 1;
                continue;
            }
            text.append(ch);
        }
        return new Sql(text.toString(), names.toArray(String[]::new), dialect);
    }

    /** The positional SQL that JDBC runs. */
    String text() {
        return text;
    }

    Statement prepare(Connection connection) throws SQLException {
        var idle = kept.getAndSet(null);
        if (idle != null) {
            if (idle.connection == connection && !idle.statement.isClosed()) {
                return idle;
            }
            idle.statement.close(); // of a connection closed or replaced since
        }
        return new Statement(connection, connection.prepareStatement(text));
    }

    /** A prepared statement bound by parameter names; a name used twice is bound at each place. */
    final class Statement implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement statement;

        private Statement(Connection connection, PreparedStatement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        void string(String name, String value) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                statement.setString(i, value);
            }
        }

        void integer(String name, int value) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                statement.setInt(i, value);
            }
        }

        void number(String name, long value) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                statement.setLong(i, value);
            }
        }

        /** A duration as a number of milliseconds ({@code null} as SQL {@code NULL}). */
        void millis(String name, Duration value) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                if (value == null) {
                    statement.setNull(i, Types.BIGINT);
                } else {
                    statement.setLong(i, value.toMillis());
                }
            }
        }

        /** A time, as the dialect stores times. */
        void time(String name, Instant value) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                dialect.bindTime(statement, i, value);
            }
        }

        /** A list of strings, for the dialect's {@link Dialect#in membership test}. */
        void list(String name, Collection<String> values) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                dialect.bindList(connection, statement, i, values);
            }
        }

        /** An array of strings (PostgreSQL). */
        void array(String name, String[] values) throws SQLException {
            for (int i = index(name, 0); i > 0; i = index(name, i)) {
                statement.setArray(i, connection.createArrayOf("text", values));
            }
        }

        int update() throws SQLException {
            return statement.executeUpdate();
        }

        ResultSet query() throws SQLException {
            return statement.executeQuery();
        }

        void addBatch() throws SQLException {
            statement.addBatch();
        }

        void executeBatch() throws SQLException {
            statement.executeBatch();
        }

        /** The 1-based position of {@code name} after position {@code after}; 0 when there is no other. */
        private int index(String name, int after) {
            for (int i = after; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i + 1;
                }
            }
            if (after == 0) {
                throw new IllegalArgumentException("no parameter :" + name + " in " + text);
            }
            return 0;
        }

        @Override
        public void close() throws SQLException {
            if (dialect.keepsStatements() && !connection.isClosed() && !statement.isClosed()) {
                statement.clearParameters();
                statement.clearBatch();
                if (kept.compareAndSet(null, this)) {
                    return;
                }
            }
            statement.close();
        }
    }
}
