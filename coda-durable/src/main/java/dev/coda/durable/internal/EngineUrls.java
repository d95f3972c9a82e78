package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.coda.durable.spi.TaskEngineProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import javax.sql.DataSource;

/**
 * The engines' factories, from a path, a URL or the environment: the JDBC engines built in, the others through
 * {@link TaskEngineProvider}s found by {@link ServiceLoader}.
 *
 * <pre>{@code
 * TaskEngine engine = EngineUrls.fromUrl("jdbc:sqlite:tasks.db?synchronous=FULL");
 * }</pre>
 */
public final class EngineUrls {

    static final String URL_VARIABLE = "CODA_TASKS_URL";
    static final String DEFAULT_SQLITE_FILE = "coda-tasks.db";

    private EngineUrls() {
    }

    /** An engine on a SQLite file, {@code synchronous=NORMAL} (see {@link SqliteTaskEngine} for the durability trade-off). */
    public static TaskEngine sqlite(Path file) {
        return new SqliteTaskEngine(file, SqliteTaskEngine.Synchronous.NORMAL);
    }

    /** An engine on a SQLite file with the given {@code PRAGMA synchronous} ({@code NORMAL} or {@code FULL}). */
    public static TaskEngine sqlite(Path file, String synchronous) {
        return new SqliteTaskEngine(file, SqliteTaskEngine.Synchronous.parse(synchronous));
    }

    /** An engine on PostgreSQL with its own HikariCP pool. */
    public static TaskEngine postgres(String jdbcUrl, String schema) {
        return PostgresTaskEngine.withOwnPool(jdbcUrl, schema);
    }

    /** An engine on PostgreSQL through the application's pool. */
    public static TaskEngine postgres(DataSource dataSource, String schema) {
        return PostgresTaskEngine.onDataSource(dataSource, schema);
    }

    /**
     * {@code jdbc:sqlite:<file>[?synchronous=NORMAL|FULL]} or {@code jdbc:postgresql://...} (the schema from a
     * {@code currentSchema} parameter, else {@code coda}).
     */
    public static TaskEngine fromUrl(String url) {
        Objects.requireNonNull(url, "url");
        if (url.startsWith("jdbc:sqlite:")) {
            var rest = url.substring("jdbc:sqlite:".length());
            var params = new HashMap<String, String>();
            int q = rest.indexOf('?');
            if (q >= 0) {
                params.putAll(query(rest.substring(q + 1)));
                rest = rest.substring(0, q);
            }
            if (rest.startsWith("file:")) {
                rest = rest.substring("file:".length());
            }
            if (rest.isBlank() || rest.equals(":memory:")) {
                throw new IllegalArgumentException("a durable SQLite engine needs a file: " + url);
            }
            for (var key : params.keySet()) {
                if (!key.equals("synchronous")) {
                    throw new IllegalArgumentException("unknown parameter '" + key + "' in " + url + " (only synchronous)");
                }
            }
            return new SqliteTaskEngine(Path.of(rest), SqliteTaskEngine.Synchronous.parse(params.getOrDefault("synchronous", "NORMAL")));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            int q = url.indexOf('?');
            var schema = q < 0 ? null : query(url.substring(q + 1)).get("currentSchema");
            if (schema != null && schema.contains(",")) {
                schema = schema.substring(0, schema.indexOf(',')).trim();
            }
            return PostgresTaskEngine.withOwnPool(url, schema == null || schema.isBlank() ? "coda" : schema);
        }
        var examples = new ArrayList<>(List.of("jdbc:sqlite:<file>", "jdbc:postgresql://host/db"));
        for (var provider : ServiceLoader.load(TaskEngineProvider.class, EngineUrls.class.getClassLoader())) {
            if (provider.accepts(url)) {
                return provider.open(url);
            }
            examples.add(provider.example());
        }
        throw new IllegalArgumentException("no task engine for " + redacted(url) + " (expected " + String.join(", ", examples)
                + "; redis:// and amqp:// need the coda-durable-redis or coda-durable-rabbitmq module)");
    }

    /** The URL without a password, for messages. */
    static String redacted(String url) {
        return url.replaceFirst("(//[^/:@]*:)[^/@]*@", "$1****@");
    }

    /**
     * {@link TaskEngine#fromEnvironment()} with the environment and working directory given: {@code CODA_TASKS_URL}
     * of {@code environment} if it is set and not blank, else SQLite on {@code coda-tasks.db} in {@code workingDirectory}.
     */
    public static TaskEngine fromEnvironment(Map<String, String> environment, Path workingDirectory) {
        var url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return fromUrl(url.strip());
        }
        return sqlite(workingDirectory.resolve(DEFAULT_SQLITE_FILE));
    }

    private static Map<String, String> query(String query) {
        var out = new LinkedHashMap<String, String>();
        for (var pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }
}
