package dev.coda.durable.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

/** PostgreSQL: times as {@code timestamptz}, lists as {@code text[]}. */
final class PostgresTypes implements Dialect.Types {

    @Override
    public void bindList(Connection connection, PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        statement.setArray(index, connection.createArrayOf("text", values.toArray(String[]::new)));
    }

    @Override
    public void bindTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
        }
    }

    @Override
    public Instant readTime(ResultSet rows, String column) throws SQLException {
        var time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /**
     * Connection exceptions (class {@code 08}: refused, lost, rejected), the server shutting down or starting
     * ({@code 57P01}-{@code 57P03}), insufficient resources ({@code 53}: disk full, out of memory, too many
     * connections), an I/O error ({@code 58030}) and a read-only server ({@code 25006}: a standby, or a primary during
     * a failover). Errors of the SQL itself, constraints and serialisation failures are not.
     */
    @Override
    public boolean unreachable(SQLException e) {
        var state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.startsWith("53") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("58030") || state.equals("25006");
    }

}
