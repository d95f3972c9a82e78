package dev.coda.durable.internal;

/**
 * Turns SQL templates into {@link Sql} for one dialect and table: {@code {tasks}} is the table, {@code {counts}} and
 * {@code {workers}} and {@code {stats}} the tables of counters, workers and
 * the stats roll-up next to it (same schema), {@code {now}} the
 * database's clock, {@code {lock}} the claim's row-locking clause, {@code {queued}} and every other
 * {@link StoredState} its literal, {@code {live}} the states that hold a unique key.
 *
 * <pre>{@code
 * private final Sql cancel = sql("UPDATE {tasks} SET state = {cancelled} WHERE id = :id AND state = {queued}");
 * }</pre>
 * A superclass so that a subclass's field initialisers, which run before its constructor's body, see the dialect.
 */
abstract class SqlTemplates {

    final Dialect dialect;
    private final String table;

    SqlTemplates(Dialect dialect, String table) {
        this.dialect = dialect;
        this.table = table;
    }

    final Sql sql(String template) {
        var schema = table.substring(0, table.length() - "coda_tasks".length());
        var text = template.replace("{tasks}", table).replace("{counts}", schema + "coda_task_counts")
                .replace("{workers}", schema + "coda_workers")
                .replace("{stats}", schema + "coda_task_stats").replace("{now}", dialect.now()).replace("{lock}", dialect.lockClause())
                .replace("{live}", StoredState.literals(StoredState.live()));
        for (var state : StoredState.values()) {
            text = text.replace("{" + state.stored() + "}", state.literal());
        }
        if (text.indexOf('{') >= 0) {
            throw new IllegalArgumentException("unknown placeholder in " + text);
        }
        return Sql.parse(text, dialect);
    }
}
