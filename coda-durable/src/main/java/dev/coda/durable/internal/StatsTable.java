package dev.coda.durable.internal;

import dev.coda.durable.internal.StatsCells.Cell;
import dev.coda.durable.internal.StatsCells.Metric;
import dev.coda.durable.spi.TaskStats.Entry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stats roll-up on a JDBC database, {@code coda_task_stats} (migration V7): a row a {@link Cell}, added to by an
 * upsert, keyed by minute first so that reading a window and dropping old minutes walk the primary key.
 *
 * <pre>{@code
 * stats.add(connection, StatsCells.of(entries));
 * stats.dropBefore(connection, StatsCells.minuteOf(now.minus(retention)));
 * }</pre>
 */
final class StatsTable extends SqlTemplates {

    StatsTable(Dialect dialect, String table) {
        super(dialect, table);
    }

    private final Sql add = sql("INSERT INTO {stats} AS s (minute, queue, name, metric, bucket, count)"
            + " VALUES (:minute, :queue, :name, :metric, :bucket, :count)"
            + " ON CONFLICT (minute, queue, name, metric, bucket) DO UPDATE SET count = s.count + excluded.count");

    /** Adds the cells' counts, one batch. */
    void add(Connection connection, List<Cell> cells) throws SQLException {
        try (var statement = add.prepare(connection)) {
            for (var cell : cells) {
                statement.number("minute", cell.minute());
                statement.string("queue", cell.queue());
                statement.string("name", cell.name());
                statement.string("metric", cell.metric().stored());
                statement.integer("bucket", cell.bucket());
                statement.number("count", cell.count());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private final Sql drop = sql("DELETE FROM {stats} WHERE minute < :minute");

    /** Drops the minutes before {@code minute} (epoch minutes); returns the rows dropped. */
    int dropBefore(Connection connection, long minute) throws SQLException {
        try (var statement = drop.prepare(connection)) {
            statement.number("minute", minute);
            return statement.update();
        }
    }

    private final Sql read = sql("SELECT minute, queue, name, metric, bucket, count FROM {stats}"
            + " WHERE minute >= :from AND minute < :to AND (:queue = '' OR queue = :queue) AND (:name = '' OR name = :name)");

    /** The entries of the minutes in {@code [from, to)}, of a queue and a name or ({@code null}) all. */
    List<Entry> read(Connection connection, Instant from, Instant to, String queue, String name) throws SQLException {
        try (var statement = read.prepare(connection)) {
            statement.number("from", StatsCells.minuteFrom(from));
            statement.number("to", StatsCells.minuteFrom(to));
            statement.string("queue", queue == null ? "" : queue);
            statement.string("name", name == null ? "" : name);
            var cells = new ArrayList<Cell>();
            try (var rows = statement.query()) {
                while (rows.next()) {
                    cells.add(new Cell(rows.getLong("minute"), rows.getString("queue"), rows.getString("name"),
                            Metric.parse(rows.getString("metric")), rows.getInt("bucket"), rows.getLong("count")));
                }
            }
            return StatsCells.entries(cells);
        }
    }
}
