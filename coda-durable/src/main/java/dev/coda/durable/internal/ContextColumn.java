package dev.coda.durable.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.tasks.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * A task's context ({@code NewTask.context}) as it is stored: a JSON object of strings, {@code null} when empty; shared
 * by the JDBC tables and the Redis engine's hash field.
 *
 * <pre>{@code
 * statement.string("context", ContextColumn.write(task.context()));
 * Map<String, String> context = ContextColumn.read(rows);
 * }</pre>
 */
public final class ContextColumn {

    private static final ObjectMapper JSON = Json.newMapper();
    private static final TypeReference<Map<String, String>> TYPE = new TypeReference<>() {
    };

    private ContextColumn() {
    }

    /** The stored form of {@code context}: {@code null} when it is empty. */
    public static String write(Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(context);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a task's context must be strings: " + context, e);
        }
    }

    /** The context stored as {@code json}; empty for {@code null}, blank, or what is not a JSON object of strings. */
    public static Map<String, String> parse(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Map.copyOf(JSON.readValue(json, TYPE));
        } catch (JsonProcessingException | NullPointerException e) {
            // context is informational: a damaged value must not stop the task from running
            return Map.of();
        }
    }

    /** The {@code context} column of the current row. */
    static Map<String, String> read(ResultSet rows) throws SQLException {
        return parse(rows.getString("context"));
    }
}
