package dev.coda.durable.rabbitmq;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an {@code amqp://} URL says: the broker (the URL without Coda's parameters, as the RabbitMQ client reads it),
 * the {@code prefix} of every queue and exchange (default {@code coda}), and the store: the {@code store} parameter
 * (a URL-encoded JDBC URL), else the variable {@code CODA_TASKS_STORE_URL}, else SQLite on {@code coda-tasks.db} in the
 * working directory; the {@code queue-type}: {@code quorum} (the default; classic where the broker refuses quorum
 * queues) or {@code classic} (priority queues); and {@code confirm}: {@code wait} (the default: {@code enqueue} returns
 * once the broker confirmed the messages) or {@code background} (once stored and published; see
 * {@code docs/engine-rabbitmq.md}).
 *
 * <pre>{@code
 * RabbitSettings.parse("amqp://guest:guest@127.0.0.1:5672/%2F?prefix=app&store=jdbc%3Apostgresql%3A%2F%2Fdb%2Fapp", System.getenv(), cwd)
 * }</pre>
 */
record RabbitSettings(String brokerUri, String prefix, String storeUrl, Topology.QueueType queueType, boolean confirmInBackground) {

    static final String STORE_VARIABLE = "CODA_TASKS_STORE_URL";
    static final String DEFAULT_PREFIX = "coda";
    static final String DEFAULT_STORE_FILE = "coda-tasks.db";
    /** The RabbitMQ client's own URI parameters, passed through. */
    private static final Set<String> CLIENT_PARAMETERS = Set.of("heartbeat", "connection_timeout", "channel_max");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    static RabbitSettings parse(String url, Map<String, String> environment, Path workingDirectory) {
        if (!url.startsWith("amqp://") && !url.startsWith("amqps://")) {
            throw new IllegalArgumentException("not an amqp:// or amqps:// URL: " + redacted(url));
        }
        int q = url.indexOf('?');
        var base = q < 0 ? url : url.substring(0, q);
        var passed = new StringBuilder();
        var params = new LinkedHashMap<String, String>();
        if (q >= 0) {
            for (var pair : url.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                var key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (CLIENT_PARAMETERS.contains(key)) {
                    passed.append(passed.isEmpty() ? "?" : "&").append(pair);
                } else if (key.equals("prefix") || key.equals("store") || key.equals("queue-type") || key.equals("confirm")) {
                    params.put(key, value);
                } else {
                    throw new IllegalArgumentException("unknown parameter '" + key + "' in " + redacted(url)
                            + " (known: prefix, store, queue-type, confirm, " + String.join(", ", CLIENT_PARAMETERS) + ")");
                }
            }
        }
        var prefix = params.getOrDefault("prefix", DEFAULT_PREFIX);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a prefix is letters, digits, '.', '_' and '-': '" + prefix + "' in " + redacted(url));
        }
        var store = params.get("store");
        if (store == null || store.isBlank()) {
            store = environment.get(STORE_VARIABLE);
        }
        if (store == null || store.isBlank()) {
            store = "jdbc:sqlite:" + workingDirectory.resolve(DEFAULT_STORE_FILE);
        }
        var type = switch (params.getOrDefault("queue-type", "quorum")) {
            case "quorum" -> Topology.QueueType.QUORUM;
            case "classic" -> Topology.QueueType.CLASSIC;
            default -> throw new IllegalArgumentException("queue-type is quorum or classic: '" + params.get("queue-type")
                    + "' in " + redacted(url));
        };
        var confirm = params.getOrDefault("confirm", "wait");
        if (!confirm.equals("wait") && !confirm.equals("background")) {
            throw new IllegalArgumentException("confirm is wait or background: '" + confirm + "' in " + redacted(url));
        }
        return new RabbitSettings(base + passed, prefix, store.strip(), type, confirm.equals("background"));
    }

    /** The URL without a password, for messages. */
    static String redacted(String url) {
        return url.replaceFirst("(//[^/:@]*:)[^/@]*@", "$1****@");
    }
}
