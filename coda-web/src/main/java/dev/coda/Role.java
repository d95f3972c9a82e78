package dev.coda;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What one process of an app does, chosen with {@code --role web|worker|all} on its command line, else the environment
 * variable {@code CODA_ROLE}, else {@link #ALL}: one jar deployed as web processes and worker processes sharing a task
 * engine. {@link Coda#run(String...)} reads it.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     app(durable).run(args);            // java -jar app.jar --role worker
 * }
 * }</pre>
 */
public enum Role {
    /** Serves HTTP and runs the in-process tasks; durable tasks are stored for workers. */
    WEB,
    /**
     * Runs the app's durable worker ({@link Coda.Builder#worker}) and nothing else: no HTTP (a process manager watches the
     * process itself; a health check belongs to a web process), until SIGTERM.
     */
    WORKER,
    /** Both in one process: HTTP and the durable worker (the default, for development and small deployments). */
    ALL;

    /** The role of {@code args} ({@code --role worker} or {@code --role=worker}), else of {@code CODA_ROLE}, else ALL. */
    public static Role fromArgs(String... args) {
        return of(args, System.getenv());
    }

    /**
     * {@link #fromArgs} with the environment given.
     *
     * @throws IllegalArgumentException for an unknown role, or {@code --role} without a value
     */
    static Role of(String[] args, Map<String, String> environment) {
        Objects.requireNonNull(args, "args");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--role")) {
                if (i + 1 == args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("--role needs a value: web, worker or all");
                }
                return named(args[i + 1], "--role");
            }
            if (args[i].startsWith("--role=")) {
                return named(args[i].substring("--role=".length()), "--role");
            }
        }
        var configured = environment.get("CODA_ROLE");
        return configured == null || configured.isBlank() ? ALL : named(configured, "CODA_ROLE");
    }

    private static Role named(String text, String source) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "web" -> WEB;
            case "worker" -> WORKER;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException("unknown role '" + text + "' (" + source + "): web, worker or all");
        };
    }
}
