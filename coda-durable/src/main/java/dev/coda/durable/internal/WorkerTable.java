package dev.coda.durable.internal;

import dev.coda.durable.spi.WorkerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The registry of workers, {@code coda_workers}: one row a worker, its heartbeat time from the database's clock (as
 * leases are), so that machines with skewed clocks agree on which workers are stale.
 *
 * <pre>{@code
 * workers.register(connection, new WorkerInfo("w1", "host", 42, null, null, List.of("default"), 64));
 * }</pre>
 */
final class WorkerTable extends SqlTemplates {

    WorkerTable(Dialect dialect, String table) {
        super(dialect, table);
    }

    private final Sql register = sql("INSERT INTO {workers} AS w (id, host, pid, queues, concurrency, started_at, heartbeat_at)"
            + " VALUES (:id, :host, :pid, :queues, :concurrency, {now}, {now}) ON CONFLICT (id) DO UPDATE SET host = excluded.host,"
            + " pid = excluded.pid, queues = excluded.queues, concurrency = excluded.concurrency, started_at = excluded.started_at,"
            + " heartbeat_at = excluded.heartbeat_at");

    void register(Connection connection, WorkerInfo worker) throws SQLException {
        try (var statement = register.prepare(connection)) {
            statement.string("id", worker.id());
            statement.string("host", worker.host());
            statement.number("pid", worker.pid());
            // queue names are trimmed words without line breaks
            statement.string("queues", String.join("\n", worker.queues()));
            statement.integer("concurrency", worker.concurrency());
            statement.update();
        }
    }

    private final Sql heartbeat = sql("UPDATE {workers} SET heartbeat_at = {now} WHERE id = :id");

    boolean heartbeat(Connection connection, String id) throws SQLException {
        try (var statement = heartbeat.prepare(connection)) {
            statement.string("id", id);
            return statement.update() == 1;
        }
    }

    private final Sql deregister = sql("DELETE FROM {workers} WHERE id = :id");

    boolean deregister(Connection connection, String id) throws SQLException {
        try (var statement = deregister.prepare(connection)) {
            statement.string("id", id);
            return statement.update() == 1;
        }
    }

    private final Sql list = sql("SELECT id, host, pid, queues, concurrency, started_at, heartbeat_at FROM {workers} ORDER BY id");

    List<WorkerInfo> workers(Connection connection) throws SQLException {
        var out = new ArrayList<WorkerInfo>();
        try (var statement = list.prepare(connection); var rows = statement.query()) {
            while (rows.next()) {
                var queues = rows.getString("queues");
                out.add(new WorkerInfo(rows.getString("id"), rows.getString("host"), rows.getLong("pid"),
                        dialect.readTime(rows, "started_at"), dialect.readTime(rows, "heartbeat_at"),
                        queues.isEmpty() ? List.of() : Arrays.asList(queues.split("\n")), rows.getInt("concurrency")));
            }
        }
        return out;
    }
}
