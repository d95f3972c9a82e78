package dev.coda.durable.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;

/**
 * What differs between the databases the JDBC engine runs on, as data: SQL fragments ({@code %s} is where a
 * parameter or subquery goes), capabilities, the folder of its migrations, and its {@link Types} (how times and
 * lists are bound and read, which errors mean "unreachable"). Connections and transactions are the engine's
 * ({@link SqliteTaskEngine}, {@link PostgresTaskEngine}).
 *
 * <pre>{@code
 * "UPDATE coda_tasks SET lease_until = " + dialect.nowPlusMillis(":lease") + " WHERE id " + dialect.in(":ids")
 * }</pre>
 *
 * @param now the database's current time
 * @param nowPlusMillis the current time plus a number of milliseconds
 * @param in a membership test against one bound list of strings
 * @param idIn {@code id} in the ids a subquery selects, evaluated once (PostgreSQL's {@code = ANY(ARRAY(subquery))}
 *     is {@code IN (subquery)} evaluated exactly once, whatever plan the planner picks)
 * @param lockClause the row-locking clause of claim subqueries, or nothing
 * @param migrations the resource folder of the migrations, under {@code dev/coda/durable/migrations/}
 * @param arrays whether lists bind as {@code text[]} and join with {@code unnest} (several successes in one statement)
 * @param readsShowAvailability whether a read that succeeds shows that the database is available again, writes
 *     included (not in SQLite's WAL mode, where reads go on while another process holds the write lock)
 * @param indexesSucceeded whether {@code coda_tasks_finished} holds succeeded tasks too, or (SQLite) only failed and
 *     cancelled ones, succeeded tasks being paged and purged through the primary key of time-ordered ids
 * @param keepsStatements whether each {@link Sql} keeps its last statement prepared for the next use on the same
 *     connection: SQLite's driver prepares anew at every call, which costs an enqueue as much as its insert; PostgreSQL's
 *     driver caches prepared statements itself
 * @param types binding, reading and errors
 */
record Dialect(String now, String nowPlusMillis, String in, String idIn, String lockClause, String migrations, boolean arrays,
               boolean readsShowAvailability, boolean indexesSucceeded, boolean keepsStatements, Types types) {

    static final Dialect SQLITE = new Dialect(SqliteTypes.NOW, "(" + SqliteTypes.NOW + " + %s)", "IN (SELECT value FROM json_each(%s))",
            "id IN (%s)", "", "sqlite", false, false, false, true, new SqliteTypes());
    static final Dialect POSTGRESQL = new Dialect("now()", "(now() + %s * interval '1 millisecond')", "= ANY(%s)",
            "id = ANY(ARRAY(%s))", " FOR UPDATE SKIP LOCKED", "postgresql", true, true, true, false, new PostgresTypes());

    /** How a database binds and reads times and lists, and which of its errors mean that it cannot be reached now. */
    interface Types {

        void bindList(Connection connection, PreparedStatement statement, int index, Collection<String> values) throws SQLException;

        void bindTime(PreparedStatement statement, int index, Instant time) throws SQLException;

        Instant readTime(ResultSet rows, String column) throws SQLException;

        /** Whether the error means that the database cannot be reached now (see {@link JdbcTaskEngine#isUnavailable}). */
        boolean unreachable(SQLException e);
    }

    String nowPlusMillis(String parameter) {
        return nowPlusMillis.formatted(parameter);
    }

    String in(String parameter) {
        return in.formatted(parameter);
    }

    String idIn(String subquery) {
        return idIn.formatted(subquery);
    }

    void bindList(Connection connection, PreparedStatement statement, int index, Collection<String> values) throws SQLException {
        types.bindList(connection, statement, index, values);
    }

    void bindTime(PreparedStatement statement, int index, Instant time) throws SQLException {
        types.bindTime(statement, index, time);
    }

    Instant readTime(ResultSet rows, String column) throws SQLException {
        return types.readTime(rows, column);
    }

    boolean unreachable(SQLException e) {
        return types.unreachable(e);
    }
}
