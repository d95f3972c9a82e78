package dev.coda;

import dev.coda.internal.Internals;
import dev.coda.tasks.DurableHandoff;
import dev.coda.tasks.TaskRuntime;
import dev.coda.internal.server.AfterResponse;
import dev.coda.internal.server.AppCompiler;
import dev.coda.internal.server.Application;
import dev.coda.internal.server.JettyServer;
import dev.coda.internal.server.RunningServer;
import dev.coda.internal.server.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A Coda application: path operations, their dependencies and how errors are answered, compiled and
 * checked once, then run on Jetty with one virtual thread per request.
 *
 * <pre>{@code
 * public final class Main {
 *     @Get("/")
 *     public Map<String, String> root() {
 *         return Map.of("Hello", "World");
 *     }
 *
 *     public static void main(String[] args) {
 *         Coda.app().routes(new Main()).run();     // PORT from the environment, default 8000
 *     }
 * }
 * }</pre>
 *
 * @apiNote Every problem in the declarations (a parameter nothing can provide, a dependency cycle, an
 *     unknown annotation, a route declared twice) is reported by {@link Builder#build()}, all at once,
 *     naming the method and parameter; an app that builds does not fail on them later.
 */
public final class Coda {

    static {
        Internals.setAccess(coda -> coda.runtime);
    }

    private final Internals.Runtime runtime;

    private Coda(Internals.Runtime runtime) {
        this.runtime = runtime;
    }

    /** A builder for a new application. */
    public static Builder app() {
        return new Builder();
    }

    /**
     * Starts listening on the configured host and port; returns at once. Stopping the returned server
     * stops Jetty gracefully, then drains the background tasks within their shutdown timeout.
     */
    public Server start() {
        var server = JettyServer.create(runtime.application(), runtime.afterResponse(), true, false);
        return RunningServer.start(server, runtime.application().settings(), this::drainTasks);
    }

    private void drainTasks() {
        runtime.afterResponse().awaitHandedOver(runtime.tasks().shutdownTimeout());
        runtime.tasks().close();
    }

    /**
     * Starts, then blocks until the process is asked to stop (SIGTERM, Ctrl-C), stopping gracefully: no
     * new connections, in-flight requests finish within the shutdown timeout, then queued and running
     * background tasks within theirs (30 s by default); tasks abandoned past it are logged by name.
     */
    public void run() {
        var running = start();
        var hook = new Thread(running::stop, "coda-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            running.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.stop();
        }
    }

    /**
     * Declares an application. Every method returns this builder.
     *
     * <pre>{@code
     * Coda app = Coda.app()
     *     .routes(new Items(), new Users(repository))
     *     .dependencies(new Security(keys))
     *     .exceptionHandler(NoSuchUser.class, (request, e) -> Response.json(404, Map.of("detail", "no such user")))
     *     .maxRequestBodySize(1 << 20)
     *     .build();
     * }</pre>
     */
    public static final class Builder {

        private final List<Object> routes = new ArrayList<>();
        private final List<Object> dependencies = new ArrayList<>();
        private final List<Class<?>> requires = new ArrayList<>();
        private final Map<Class<?>, ExceptionHandler<?>> exceptionHandlers = new LinkedHashMap<>();
        private String host = System.getenv().getOrDefault("HOST", "0.0.0.0");
        private int port = portFromEnvironment();
        private long maxRequestBodySize = 10L * 1024 * 1024;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private TaskRuntime tasks;
        private final TaskRuntime.Builder taskSettings = TaskRuntime.builder();
        private boolean taskSettingsGiven;

        private Builder() {
        }

        private static int portFromEnvironment() {
            var text = System.getenv("PORT");
            if (text == null || text.isBlank()) {
                return 8000;
            }
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PORT is not a number: " + text, e);
            }
        }

        /**
         * Adds objects whose annotated methods ({@link Get}, {@link Post}, ...) are path operations; their
         * {@link Dependency} methods are registered too. A {@code Class} contributes its static methods.
         */
        public Builder routes(Object... handlers) {
            for (var h : handlers) {
                routes.add(Objects.requireNonNull(h, "handler"));
            }
            return this;
        }

        /** Adds objects (or classes, for static methods) whose {@link Dependency} methods provide values. */
        public Builder dependencies(Object... providers) {
            for (var p : providers) {
                dependencies.add(Objects.requireNonNull(p, "provider"));
            }
            return this;
        }

        /** Dependencies every path operation runs first, for their effect (FastAPI's app-level {@code dependencies}). */
        public Builder requires(Class<?>... types) {
            requires.addAll(List.of(types));
            return this;
        }

        /** Answers exceptions of {@code type} (and subclasses without a handler of their own) with {@code handler}. */
        public <E extends Throwable> Builder exceptionHandler(Class<E> type, ExceptionHandler<? super E> handler) {
            exceptionHandlers.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** The interface to listen on; default the {@code HOST} environment variable, else {@code 0.0.0.0}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; default the {@code PORT} environment variable, else 8000; 0 picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Larger request bodies are answered with {@code 413 Content Too Large}; default 10 MiB. */
        public Builder maxRequestBodySize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative size: " + bytes);
            }
            this.maxRequestBodySize = bytes;
            return this;
        }

        /** How long a graceful stop waits for in-flight requests; default 30 seconds. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long an idle keep-alive connection stays open; default 30 seconds. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Configures the background tasks' runtime: concurrency, queue bound and overflow policy, fail-fast,
         * timeouts, shutdown deadline, error handler, metrics, context propagation.
         *
         * <pre>{@code
         * Coda.app().routes(new Shop())
         *     .backgroundTasks(tasks -> tasks.maxConcurrency(64).shutdownTimeout(Duration.ofSeconds(10))
         *                                    .errorHandler((task, error) -> alerts.send(task.name(), error)))
         *     .run();
         * }</pre>
         */
        public Builder backgroundTasks(Consumer<TaskRuntime.Builder> settings) {
            settings.accept(taskSettings);
            taskSettingsGiven = true;
            return this;
        }

        /**
         * Makes some tasks durable: stored by a task engine before the response is sent and run by workers,
         * instead of running in this process. The handlers' {@code addTask} calls stay the same.
         *
         * <pre>{@code
         * var durable = DurableTasks.on(TaskEngine.sqlite(Path.of("tasks.db"))).task(FileJobs::process).build();
         * Coda.app().routes(new FilesApi()).durable(durable).run();
         * }</pre>
         */
        public Builder durable(DurableHandoff handoff) {
            return backgroundTasks(settings -> settings.durable(handoff));
        }

        /**
         * Runs background tasks on {@code runtime} (for example one shared by several apps); the app drains it when it
         * stops. The runtime has its own settings: {@link #backgroundTasks} cannot be used with it.
         */
        public Builder tasks(TaskRuntime runtime) {
            this.tasks = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * Compiles and checks the application.
         *
         * @throws IllegalStateException listing every problem found in the declarations
         */
        public Coda build() {
            if (tasks != null && taskSettingsGiven) {
                throw new IllegalStateException("Coda cannot start: background task settings were given with backgroundTasks(...) "
                        + "and a runtime with tasks(...), whose own settings would silently win; configure the runtime instead");
            }
            var settings = new Settings(host, port, maxRequestBodySize, shutdownTimeout, idleTimeout);
            var taskRuntime = tasks != null ? tasks : taskSettings.build();
            Application application = AppCompiler.compile(routes, dependencies, requires, exceptionHandlers, settings, taskRuntime);
            var afterResponse = new AfterResponse(Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("coda-after-response-", 0).factory()), taskRuntime);
            return new Coda(new Internals.Runtime(application, afterResponse, taskRuntime));
        }

        /** {@link #build()}, then {@link Coda#run()}. */
        public void run() {
            build().run();
        }

        /** {@link #build()}, then {@link Coda#start()}. */
        public Server start() {
            return build().start();
        }
    }
}
