package dev.coda.dashboard;

import dev.coda.Coda;
import dev.coda.HttpException;
import dev.coda.StaticFiles;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.spi.TaskStats;
import dev.coda.tasks.TaskRuntime;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The dashboard of a durable task engine, as a Coda app to mount under a prefix of yours (or to run on its own): counts
 * per queue and state and the last hour's throughput, failure rate, wait and run time, updated live; lists per state
 * with keyset paging and search; a task's page with its arguments, attempts, error and result; the workers; retry and cancel, with CSRF protection, a read-only mode and an
 * {@link Authorizer} deciding who may look and who may act. Pages are HTML rendered on the server; the one script and
 * style sheet come from this jar, under a Content Security Policy that allows nothing else.
 *
 * <pre>{@code
 * var dashboard = TaskDashboard.builder(engine)
 *         .authorize(request -> admins.contains(user(request)) ? Access.ACT : Access.LOOK)
 *         .build();
 * Coda.app().routes(new Api()).mount("/dashboard", dashboard.app()).run();
 * }</pre>
 */
public final class TaskDashboard {

    private final Settings settings;

    /** The builder's settings as they were at {@link Builder#build()}. */
    private record Settings(TaskEngine engine, boolean readOnly, Authorizer authorizer, int pageSize, Duration liveInterval,
                            TaskRuntime inProcess, String csrfKey, InstantSource clock) {
    }

    private TaskDashboard(Settings settings) {
        this.settings = settings;
    }

    /** A dashboard of {@code engine}: read-write, for everyone ({@link Authorizer#EVERYONE}) until told otherwise. */
    public static Builder builder(TaskEngine engine) {
        return new Builder(Objects.requireNonNull(engine, "engine"));
    }

    /**
     * A new Coda app serving the dashboard at its root, for {@code Coda.Builder.mount(prefix, app)} or to run alone;
     * it documents no API ({@code /openapi.json}, {@code /docs} are off). The engine stays the caller's to close.
     */
    public Coda app() {
        var csrf = settings.csrfKey != null ? Csrf.withKey(settings.csrfKey) : Csrf.fromEnvironment(System.getenv());
        var live = new LiveCounts(settings.engine, settings.engine.capability(TaskStats.class), settings.clock,
                settings.liveInterval, System::nanoTime);
        return Coda.app()
                .openapiUrl(null).docsUrl(null).redocUrl(null)
                .middleware(new SecurityHeaders())
                .dependencies(new Gate(settings.authorizer, settings.readOnly))
                .routes(new DashboardRoutes(settings.engine, csrf, live, settings.pageSize, settings.inProcess, settings.clock))
                .staticFiles("/assets", StaticFiles.classpath("coda-dashboard"))
                .exceptionHandler(HttpException.class, new ErrorPage())
                .build();
    }

    /**
     * The dashboard alone, on {@code HOST}:{@code PORT} (default 127.0.0.1:8000), of the engine {@code CODA_TASKS_URL}
     * names; read-only unless {@code CODA_DASHBOARD_READ_ONLY=false}. Put it behind your own authentication.
     */
    public static void main(String[] args) {
        var readOnly = !"false".equalsIgnoreCase(System.getenv("CODA_DASHBOARD_READ_ONLY"));
        try (var engine = TaskEngine.fromEnvironment()) {
            builder(engine).readOnly(readOnly).build().app().run(args);
        }
    }

    /** The dashboard's settings. */
    public static final class Builder {

        private final TaskEngine engine;
        private boolean readOnly;
        private Authorizer authorizer = Authorizer.EVERYONE;
        private int pageSize = 50;
        private Duration liveInterval = Duration.ofSeconds(1);
        private TaskRuntime inProcess;
        private String csrfKey;
        private InstantSource clock = InstantSource.system();

        private Builder(TaskEngine engine) {
            this.engine = engine;
        }

        /** Read-only: no action buttons, and the server refuses every action with {@code 403}, whoever asks. */
        public Builder readOnly(boolean on) {
            this.readOnly = on;
            return this;
        }

        /** Who may look and who may act, decided for each request before anything else. */
        public Builder authorize(Authorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /** How many tasks a list shows at once (1 to 1000; default 50). */
        public Builder pageSize(int tasks) {
            if (tasks < 1 || tasks > dev.coda.durable.spi.TaskQuery.MAX_LIMIT) {
                throw new IllegalArgumentException("a page holds 1 to 1000 tasks, not " + tasks);
            }
            this.pageSize = tasks;
            return this;
        }

        /** How often the overview's counts are read for the open pages, all together (default 1 s). */
        public Builder liveInterval(Duration interval) {
            if (Objects.requireNonNull(interval, "interval").toMillis() < 10) {
                throw new IllegalArgumentException("liveInterval must be at least 10 ms: " + interval);
            }
            this.liveInterval = interval;
            return this;
        }

        /**
         * Shows the in-process tasks of {@code runtime} (this process's: running now, the last finished and failed) on the
         * page {@code /in-process}, beside the engine's durable ones; an app's runtime is the one given to
         * {@code Coda.Builder.tasks(runtime)}.
         */
        public Builder inProcess(TaskRuntime runtime) {
            this.inProcess = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * The secret signing the CSRF tokens (at least 32 characters): give every web process behind one balancer the
         * same, so that a form served by one is accepted by another. Without it, {@code CODA_DASHBOARD_CSRF_KEY} if set,
         * else a random key of each process (its forms fail on other processes, and after a restart).
         */
        public Builder csrfKey(String secret) {
            this.csrfKey = Csrf.checkKey(secret, "csrfKey");
            return this;
        }

        /**
         * The clock of its pages (default: the system's): whether a worker's last heartbeat is recent, which tasks a bulk
         * action's count covers (those created by now), the live counts' times. A test may pass a settable one.
         */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The dashboard. */
        public TaskDashboard build() {
            return new TaskDashboard(new Settings(engine, readOnly, authorizer, pageSize, liveInterval, inProcess, csrfKey, clock));
        }
    }
}
