package dev.coda.durable.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.coda.tasks.internal.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import org.sqlite.SQLiteException;

/** SQLite: times as epoch milliseconds in {@code INTEGER} columns, lists as a JSON array read by {@code json_each}. */
final class SqliteTypes implements Dialect.Types {

    static final String NOW = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
    /** A list as a JSON array of strings, escaped by Jackson (every claim and completion binds one). */
    private static final ObjectWriter LIST = Json.newMapper().writerFor(Collection.class);

    @Override
    public void bindList(Connection c, PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        try {
            statement.setString(index, LIST.writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw new SQLException("could not write " + values.size() + " value(s) as JSON", e); // strings always can
        }
    }

    @Override
    public void bindTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, time.toEpochMilli());
        }
    }

    @Override
    public Instant readTime(ResultSet rows, String column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    /**
     * The file is busy (locked by another process beyond the timeout), read-only (permissions, a read-only mount),
     * full, or failing to be read, written or opened: not the SQL's fault. A corrupt file is not "unavailable":
     * waiting will not repair it.
     */
    @Override
    public boolean unreachable(SQLException e) {
        if (!(e instanceof SQLiteException)) {
            return false;
        }
        return switch (e.getErrorCode()) {        // the primary result code
            case 5 /* BUSY */, 6 /* LOCKED */, 8 /* READONLY */, 10 /* IOERR */, 13 /* FULL */, 14 /* CANTOPEN */, 15 /* PROTOCOL */ -> true;
            default -> false;
        };
    }

}
