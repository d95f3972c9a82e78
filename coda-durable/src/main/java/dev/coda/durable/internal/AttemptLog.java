package dev.coda.durable.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskAttempt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A task's attempt history as every engine stores it: the attempts that ended without ending the task (retried, lost)
 * as a JSON array {@code [{"n":1,"worker":"w-1","started":ms,"finished":ms,"outcome":"retried","error":"..."}]}
 * (a column on SQL, a hash field on Redis), written only on those rare paths; the current or final attempt is read
 * from the task's own columns ({@code worker}, {@code attempts}, {@code started_at}, {@code finished_at},
 * {@code last_error}), so that a claim writes one more column and a success nothing more. A task's {@code worker}
 * is cleared when its attempt is moved into the array (retry, release, an administrator's retry).
 *
 * <pre>{@code
 * "UPDATE {tasks} SET attempt_log = " + AttemptLog.append(dialect, "retried", ":last_error") + ", worker = NULL ..."
 * List<TaskAttempt> history = AttemptLog.read(json, AttemptLog.current(worker, attempts, started, finished, state, error));
 * }</pre>
 */
public final class AttemptLog {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AttemptLog() {
    }

    /** The SQL of a claim's {@code SET}: the claiming worker runs the task's current attempt. */
    static final String CLAIM_SET = "worker = :lease_owner";

    /**
     * The SQL of a recovery's {@code SET}: the lost attempt goes into the log with the worker that lost it; the
     * recovering worker runs the next attempt, unless none is left (it records the task failed, "worker lost").
     */
    static String recoverSet(Dialect dialect) {
        return "attempt_log = " + append(dialect, "lost", "NULL")
                + ", worker = CASE WHEN attempts < max_attempts THEN :lease_owner ELSE NULL END";
    }

    /**
     * The SQL expression of {@code attempt_log} with the row's running attempt appended (number {@code attempts},
     * worker {@code lease_owner}, from {@code started_at} to now) with {@code outcome} and the error expression
     * {@code error}, cut to {@link TaskAttempt#MAX_ERROR_CHARS}; the oldest entry goes past {@link TaskAttempt#MAX_KEPT}.
     */
    static String append(Dialect dialect, String outcome, String error) {
        return append(dialect, "attempts", "lease_owner", "started_at", dialect.now(), outcome, error);
    }

    /** {@link #append(Dialect, String, String)} with every field an SQL expression of the row. */
    static String append(Dialect dialect, String number, String worker, String started, String finished, String outcome,
                         String error) {
        var cut = "substr(CAST(" + error + " AS TEXT), 1, " + TaskAttempt.MAX_ERROR_CHARS + ")";
        int keep = TaskAttempt.MAX_KEPT;
        if (dialect == Dialect.SQLITE) {
            return "json_insert(CASE WHEN json_array_length(COALESCE(attempt_log, '[]')) >= " + keep
                    + " THEN json_remove(attempt_log, '$[0]') ELSE COALESCE(attempt_log, '[]') END, '$[#]', json_object('n', "
                    + number + ", 'worker', " + worker + ", 'started', " + started + ", 'finished', " + finished
                    + ", 'outcome', '" + outcome + "', 'error', " + cut + "))";
        }
        return "(CASE WHEN jsonb_array_length(COALESCE(attempt_log, '[]'::jsonb)) >= " + keep
                + " THEN attempt_log - 0 ELSE COALESCE(attempt_log, '[]'::jsonb) END) || jsonb_build_array(jsonb_build_object('n', "
                + number + ", 'worker', " + worker + ", 'started', " + millis(started) + ", 'finished', " + millis(finished)
                + ", 'outcome', '" + outcome + "', 'error', " + cut + "))";
    }

    private static String millis(String timestamp) {
        return "CAST(extract(epoch FROM " + timestamp + ") * 1000 AS bigint)";
    }

    /**
     * The attempt a task's own fields describe: the one its {@code worker} runs or ran last, {@code null} when it has
     * no worker (never run, or its last attempt is in the log).
     */
    public static TaskAttempt current(String worker, int attempts, Instant started, Instant finished, DurableState state,
                                      String lastError) {
        if (worker == null) {
            return null;
        }
        var outcome = switch (state) {
            case SUCCEEDED -> TaskAttempt.Outcome.SUCCEEDED;
            case FAILED -> TaskAttempt.Outcome.FAILED;
            default -> TaskAttempt.Outcome.RUNNING;
        };
        return new TaskAttempt(attempts, worker, started, outcome == TaskAttempt.Outcome.RUNNING ? null : finished, outcome,
                outcome == TaskAttempt.Outcome.FAILED ? cut(lastError) : null);
    }

    /** The attempts of the JSON log ({@code null}: none), then {@code current} if not {@code null}. */
    public static List<TaskAttempt> read(String json, TaskAttempt current) {
        var out = new ArrayList<TaskAttempt>();
        if (json != null && !json.isBlank()) {
            try {
                for (JsonNode entry : MAPPER.readTree(json)) {
                    out.add(new TaskAttempt(entry.path("n").asInt(), text(entry, "worker"), time(entry, "started"),
                            time(entry, "finished"), TaskAttempt.Outcome.valueOf(entry.path("outcome").asText().toUpperCase(Locale.ROOT)),
                            text(entry, "error")));
                }
            } catch (Exception e) {
                // a history is a diagnostic: a log that cannot be read shows as none rather than failing the status
                JdbcTaskEngine.LOG.warn("Unreadable attempt history ignored: {}", e.toString());
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }

    /** The worker of the last attempt, or {@code null}. */
    public static String lastWorker(List<TaskAttempt> history) {
        return history.isEmpty() ? null : history.get(history.size() - 1).worker();
    }

    /** An error cut to {@link TaskAttempt#MAX_ERROR_CHARS}. */
    public static String cut(String error) {
        return error == null || error.length() <= TaskAttempt.MAX_ERROR_CHARS ? error : error.substring(0, TaskAttempt.MAX_ERROR_CHARS);
    }

    private static String text(JsonNode entry, String field) {
        var node = entry.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Instant time(JsonNode entry, String field) {
        var node = entry.get(field);
        return node == null || node.isNull() || node.asText().isEmpty() ? null : Instant.ofEpochMilli(node.asLong());
    }
}
