package dev.coda;

import dev.coda.internal.Internals;
import dev.coda.tasks.DurableHandoff;
import dev.coda.tasks.TaskRuntime;
import dev.coda.internal.server.AfterResponse;
import dev.coda.internal.server.AppCompiler;
import dev.coda.internal.server.Application;
import dev.coda.internal.server.JettyServer;
import dev.coda.internal.server.Lifespan;
import dev.coda.internal.server.ProcessRun;
import dev.coda.internal.server.RouteGroup;
import dev.coda.internal.server.RunningServer;
import dev.coda.internal.openapi.Docs;
import dev.coda.internal.edge.Compression;
import dev.coda.internal.edge.Edge;
import dev.coda.internal.edge.ProxyHeaders;
import dev.coda.internal.edge.TrustedHosts;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

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
 *         Coda.app().routes(new Main()).run();     // HOST and PORT from the environment, default 127.0.0.1:8000
 *     }
 * }
 * }</pre>
 *
 * @apiNote Every problem in the declarations (a parameter nothing can provide, a dependency cycle, an
 *     unknown annotation, a route declared twice) is reported by {@link Builder#build()}, all at once,
 *     naming the method and parameter; an app that builds does not fail on them later.
 * @implNote Longer than 400 lines because its {@link Builder} is the app's one place of configuration, a documented
 *     method per setting; the work is done under {@code dev.coda.internal}.
 */
public final class Coda {

    static {
        Internals.setAccess(coda -> coda.runtime);
    }

    private final Internals.Runtime runtime;
    private final Builder declarations;

    private Coda(Internals.Runtime runtime, Builder declarations) {
        this.runtime = runtime;
        this.declarations = declarations;
    }

    /** A builder for a new application. */
    public static Builder app() {
        return new Builder(System.getenv());
    }

    /** A builder that reads {@code HOST} and {@code PORT} from {@code environment} (for tests). */
    static Builder app(Map<String, String> environment) {
        return new Builder(environment);
    }

    /**
     * Creates the app-scoped resources and runs the startup hooks, starts the durable worker if the app has one
     * ({@link Builder#worker}), then starts listening on the configured host and port; returns at once. Stopping the
     * returned server stops, in order: Jetty gracefully (no new connections, in-flight requests finish), the background
     * tasks within their shutdown timeout (durable ones handed to the engine), the worker (its running tasks finish or
     * are given back), then the shutdown hooks and resources in reverse declaration order.
     *
     * @throws IllegalStateException if a resource cannot be created, a startup hook fails or the worker cannot start
     *     (what was done is undone)
     */
    public Server start() {
        return start(true);
    }

    private Server start(boolean withWorker) {
        runtime.lifespan().open();
        AutoCloseable worker = null;
        try {
            worker = withWorker ? startWorker() : null;
            var started = worker;
            var server = JettyServer.create(runtime.application(), runtime.afterResponse(), true, false);
            return RunningServer.start(server, runtime.application().settings(), () -> stopInOrder(started));
        } catch (RuntimeException e) {
            stopWorker(worker);
            runtime.lifespan().close();
            throw e;
        }
    }

    /** The worker's task code may use the app's resources: it starts after them and stops before they close. */
    private AutoCloseable startWorker() {
        if (declarations.worker == null) {
            return null;
        }
        try {
            return Objects.requireNonNull(declarations.worker.call(), "the worker factory returned null");
        } catch (Exception e) {
            throw new IllegalStateException("Coda cannot start: the worker could not start: " + e, e);
        }
    }

    private static void stopWorker(AutoCloseable worker) {
        if (worker == null) {
            return;
        }
        try {
            worker.close();
        } catch (Exception e) {
            LoggerFactory.getLogger("dev.coda").error("Coda stopping: stopping the worker failed", e);
        }
    }

    /**
     * After HTTP has stopped: the tasks drain (their durable ones are stored), then the worker stops, then the resources
     * close: each outlives what may use it.
     */
    private void stopInOrder(AutoCloseable worker) {
        try {
            drainTasks();
        } finally {
            try {
                stopWorker(worker);
            } finally {
                runtime.lifespan().close();
            }
        }
    }

    /**
     * The app's OpenAPI 3.1 document, as {@code GET /openapi.json} serves it: for a client generator, a build, a test.
     *
     * <pre>{@code
     * Files.writeString(Path.of("target/openapi.json"), Main.app().build().openapi());
     * }</pre>
     */
    public String openapi() {
        return new String(runtime.application().openapi(), StandardCharsets.UTF_8);
    }

    /**
     * A copy of this app in which the {@link Dependency} methods of {@code providers} replace the app's providers of the
     * same types (of the same name and type, for a provider used with {@code @Depends("name")}), everywhere: routes,
     * nested dependencies, {@link Requires}, routers. An override of an app-scoped resource's or a settings record's type
     * replaces it too. FastAPI's {@code app.dependency_overrides}, for tests; this app is unchanged.
     *
     * <pre>{@code
     * final class FakeUsers {
     *     @Dependency
     *     public CurrentUser currentUser() { return new CurrentUser("alice"); }
     * }
     *
     * try (var client = TestClient.of(Main.app().overriding(new FakeUsers()))) {
     *     assertThat(client.get("/users/me").json()).isEqualTo(Map.of("name", "alice"));
     * }
     * }</pre>
     *
     * @apiNote The copy is compiled again from this app's declarations, with its own background task runtime (unless one
     *     was given with {@link Builder#tasks}); an override may have parameters of its own, resolved like any dependency's.
     */
    public Coda overriding(Object... providers) {
        return declarations.build(List.of(providers));
    }

    private void drainTasks() {
        runtime.afterResponse().awaitHandedOver(runtime.tasks().shutdownTimeout());
        runtime.tasks().close();
    }

    /**
     * Starts, then blocks until the process is asked to stop (SIGTERM, Ctrl-C), stopping gracefully: no
     * new connections, in-flight requests finish within the shutdown timeout, then queued and running
     * background tasks within theirs (30 s by default); tasks abandoned past it are logged by name; then the worker,
     * the hooks and the resources, as {@link #start()} says. The role {@link Role#ALL}.
     */
    public void run() {
        run(Role.ALL);
    }

    /**
     * Runs the {@link Role} that {@code args} name ({@code --role web|worker|all}), else {@code CODA_ROLE}, else all;
     * other arguments are the app's own and left alone. The worker role runs only the worker (no HTTP) until SIGTERM,
     * then stops it and closes the hooks and resources.
     *
     * <pre>{@code
     * public static void main(String[] args) {
     *     Coda.app().routes(new FilesApi(durable)).durable(durable)
     *             .worker(() -> durable.worker().start())
     *             .build().run(args);
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException if the role is unknown (nothing is started)
     * @throws IllegalStateException if the worker role is asked of an app without a {@link Builder#worker worker}
     */
    public void run(String... args) {
        run(Role.fromArgs(args));
    }

    private void run(Role role) {
        if (role == Role.WORKER && declarations.worker == null) {
            throw new IllegalStateException("the worker role needs a worker: declare it with Coda.app().worker(() -> "
                    + "durable.worker().start())");
        }
        ProcessRun.run(() -> {
            if (role != Role.WORKER) {
                var server = start(role == Role.ALL);
                return new ProcessRun.Started(server::stop, server::join);
            }
            runtime.lifespan().open();
            try {
                var worker = startWorker();
                return new ProcessRun.Started(() -> stopInOrder(worker), null);
            } catch (RuntimeException e) {
                runtime.lifespan().close();
                throw e;
            }
        });
    }

    /** A startup or shutdown action ({@link Builder#onStartup}, {@link Builder#onShutdown}). */
    @FunctionalInterface
    public interface Hook {
        /** Runs the action. */
        void run() throws Exception;
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

        private final List<Object> routes = new ArrayList<>();        // route objects and routers, in the order given
        private final List<Object> dependencies = new ArrayList<>();
        private final List<Class<?>> requires = new ArrayList<>();
        private final Map<Class<?>, ExceptionHandler<?>> exceptionHandlers = new LinkedHashMap<>();
        private final Map<String, StaticFiles> staticFiles = new LinkedHashMap<>();
        private final Map<String, String> environment;
        private final List<Lifespan.Step> lifespan = new ArrayList<>();
        private final List<Object> settingsRecords = new ArrayList<>();     // loaded records, or record classes to load
        private String host;                    // null: HOST, read by build()
        private int port = -1;                  // -1: PORT, read by build()
        private long maxRequestBodySize = 10L * 1024 * 1024;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxConnections = 4096;
        private int acceptQueueSize = 2048;
        private Duration requestHeadTimeout = Duration.ofSeconds(10);
        private Duration requestBodyGrace = Duration.ofSeconds(10);
        private long minRequestBodyRate = 1024;
        private Duration eventKeepAlive = Duration.ofSeconds(15);
        private final FormLimits.Builder formLimits = FormLimits.builder();
        private boolean strictContentType = true;
        private TaskRuntime tasks;
        private Callable<? extends AutoCloseable> worker;
        private final OpenApi.Builder openapi = OpenApi.builder();
        private String openapiUrl = "/openapi.json";
        private String docsUrl = "/docs";
        private String redocUrl = "/redoc";
        private final TaskRuntime.Builder taskSettings = TaskRuntime.builder();
        private boolean taskSettingsGiven;
        private Cors.Builder cors;                              // null: no CORS
        private Compression compression;                        // null: no compression
        private boolean accessLog;
        private final List<Function<Handler, Handler>> jettyHandlers = new ArrayList<>();
        private ProxyHeaders proxyHeaders;                      // null: forwarded headers ignored
        private TrustedHosts trustedHosts;                      // null: any host
        private boolean httpsRedirect;
        private String rootPath = "";
        private boolean rootPathInServers = true;
        private final Map<String, Object> mounts = new LinkedHashMap<>();  // a Coda or a Jetty Handler, by prefix
        private final List<Middleware> middleware = new ArrayList<>();

        private Builder(Map<String, String> environment) {
            this.environment = environment;
        }

        private String hostFromEnvironment() {
            var text = environment.get("HOST");
            return text == null || text.isBlank() ? "127.0.0.1" : text.strip();
        }

        private int portFromEnvironment() {
            var text = environment.get("PORT");
            if (text == null || text.isBlank()) {
                return 8000;
            }
            try {
                return checkPort(Integer.parseInt(text.strip()), "PORT");
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PORT is not a number: " + text, e);
            }
        }

        private static int checkPort(int port, String what) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(what + " out of range (0 to 65535): " + port);
            }
            return port;
        }

        /** A prefix as kept: {@code /static/} and {@code /static} are the same; {@code /} is the empty prefix. */
        private static String withoutTrailingSlash(String prefix) {
            return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        }

        /** Durations become Jetty's milliseconds, where 0 means "never": less than one is refused. */
        private static Duration atLeastOneMillisecond(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException(what + " must be at least 1 ms: " + duration);
            }
            return duration;
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

        /**
         * Adds the routes of a router, with its prefix, tags, dependencies and responses ({@link ApiRouter}).
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).include(ApiRouter.prefix("/items").tags("items").routes(new Items())).run();
         * }</pre>
         */
        public Builder include(ApiRouter router) {
            routes.add(Objects.requireNonNull(router, "router"));
            return this;
        }

        /**
         * Adds objects (or classes, for static methods) whose {@link Dependency} methods provide values; a security scheme
         * of {@code dev.coda.security} is one ({@code .dependencies(new OAuth2PasswordBearer("token"))}), and also adds
         * itself to the OpenAPI document of every operation that uses it.
         */
        public Builder dependencies(Object... providers) {
            for (var p : providers) {
                dependencies.add(Objects.requireNonNull(p, "provider"));
            }
            return this;
        }

        /**
         * An app-scoped resource (a connection pool, an HTTP client): created by {@code factory} when the app starts, in
         * declaration order with the other resources and hooks; injected into routes and dependencies by its type, the
         * same object for every request; closed when the app stops, if it is {@link AutoCloseable}, in reverse order,
         * after in-flight requests have finished and the background tasks have drained. A factory that fails stops the
         * start, naming the resource. A {@link dev.coda.testing.TestClient} starts and stops them too.
         *
         * <pre>{@code
         * Coda.app()
         *     .resource(HttpClient.class, HttpClient::newHttpClient)
         *     .resource(DataSource.class, () -> new HikariDataSource(config))
         *     .routes(new Users())                    // @Get("/users") List<User> users(DataSource db) { ... }
         *     .run();
         * }</pre>
         */
        public <T> Builder resource(Class<T> type, Callable<? extends T> factory) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(factory, "factory");
            for (var step : lifespan) {
                if (step instanceof Lifespan.Resource r && r.type() == type) {
                    throw new IllegalArgumentException("the resource " + type.getSimpleName() + " is declared twice");
                }
            }
            lifespan.add(new Lifespan.Resource(type, factory));
            return this;
        }

        /**
         * Reads the settings record {@code type} from the environment and system properties when the app is built
         * ({@link Settings}), and injects it into routes and dependencies; {@link #build()} lists every missing or invalid
         * value at once.
         *
         * <pre>{@code
         * record AppSettings(String databaseUrl, @Default("20") int poolSize) {}
         *
         * Coda.app().settings(AppSettings.class).routes(new Shop()).run();    // @Get("/info") Info info(AppSettings settings)
         * }</pre>
         */
        public <T extends Record> Builder settings(Class<T> type) {
            settingsRecords.add(Objects.requireNonNull(type, "type"));
            return this;
        }

        /** Injects settings already read ({@link Settings#load()}), for example with a prefix, a file, or a test's environment. */
        public Builder settings(Record loaded) {
            settingsRecords.add(Objects.requireNonNull(loaded, "loaded"));
            return this;
        }

        /**
         * Runs {@code hook} when the app starts, after the resources and hooks declared before it (FastAPI's lifespan,
         * before its {@code yield}); a hook that throws stops the start.
         */
        public Builder onStartup(Hook hook) {
            Objects.requireNonNull(hook, "hook");
            lifespan.add(new Lifespan.Hook(() -> {
                hook.run();
                return null;
            }, null));
            return this;
        }

        /**
         * Runs {@code hook} when the app stops, after the tasks have drained, before the resources declared before it
         * close: shutdown runs in reverse declaration order. A hook that throws is logged; the others still run.
         *
         * <pre>{@code
         * Coda.app().resource(Cache.class, Cache::new).onShutdown(() -> log.info("bye")).routes(new Items()).run();
         * }</pre>
         */
        public Builder onShutdown(Hook hook) {
            Objects.requireNonNull(hook, "hook");
            lifespan.add(new Lifespan.Hook(null, () -> {
                hook.run();
                return null;
            }));
            return this;
        }

        /** Dependencies every path operation runs first, for their effect (FastAPI's app-level {@code dependencies}). */
        public Builder requires(Class<?>... types) {
            requires.addAll(List.of(types));
            return this;
        }

        /**
         * Serves the files of a directory at {@code prefix}, FastAPI's {@code app.mount(prefix, StaticFiles(directory=...))}:
         * {@code GET /static/css/site.css} sends {@code <directory>/css/site.css}. The directory must exist when the app is
         * built; see {@link StaticFiles} for a class-path folder, html and single-page-app modes, and a directory that
         * may appear later. The app's own routes win over a mount wherever both match; mounts are not in the OpenAPI
         * document.
         *
         * <pre>{@code
         * Coda.app().routes(new Shop()).staticFiles("/static", Path.of("static")).run();
         * }</pre>
         */
        public Builder staticFiles(String prefix, Path directory) {
            return staticFiles(prefix, StaticFiles.directory(directory));
        }

        /** Serves {@code files} at {@code prefix} (see {@link #staticFiles(String, Path)}). */
        public Builder staticFiles(String prefix, StaticFiles files) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.startsWith("/")) {
                throw new IllegalArgumentException("the prefix of static files must start with /: " + prefix);
            }
            var key = withoutTrailingSlash(prefix);
            if (staticFiles.putIfAbsent(key, Objects.requireNonNull(files, "files")) != null) {
                throw new IllegalArgumentException("static files are mounted twice at " + prefix);
            }
            return this;
        }

        /** Answers exceptions of {@code type} (and subclasses without a handler of their own) with {@code handler}. */
        public <E extends Throwable> Builder exceptionHandler(Class<E> type, ExceptionHandler<? super E> handler) {
            exceptionHandlers.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Answers CORS preflights and adds the CORS headers to responses, as FastAPI's {@code CORSMiddleware}
         * ({@link Cors}); called again, it adds to the same settings.
         *
         * <pre>{@code
         * Coda.app().routes(new Main())
         *     .cors(cors -> cors.allowOrigins("http://localhost:8080").allowCredentials(true).allowMethods("*").allowHeaders("*"))
         *     .run();
         * }</pre>
         */
        public Builder cors(Consumer<Cors.Builder> settings) {
            if (cors == null) {
                cors = Cors.builder();
            }
            settings.accept(cors);
            return this;
        }

        /**
         * Gzips response bodies of at least {@code minimumSize} bytes for clients that accept it, at level 9 as
         * FastAPI's {@code GZipMiddleware}: never event streams, already-compressed types or bodies that already
         * have a {@code Content-Encoding}; streamed bodies are compressed as they go, flush by flush.
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).gzip(500).run();
         * }</pre>
         */
        public Builder gzip(int minimumSize) {
            return gzip(minimumSize, 9);
        }

        /** {@link #gzip(int)} at a deflate {@code level} from 1 (fastest) to 9 (smallest). */
        public Builder gzip(int minimumSize, int level) {
            this.compression = (compression == null ? Compression.NONE : compression).withGzip(minimumSize, level);
            return this;
        }

        /**
         * Compresses response bodies of at least {@code minimumSize} bytes with zstd (RFC 8878) for clients that accept it,
         * at zstd's default level 3, with the rules of {@link #gzip(int)}; with gzip too, zstd is chosen for a client that
         * accepts both (whatever their q-values above 0), and gzip serves the others. Opt-in: the app adds
         * {@code org.eclipse.jetty.compression:jetty-compression-zstandard} (which brings zstd-jni and its native library)
         * to its dependencies; without it, this method throws.
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).zstd(500).gzip(500).run();
         * }</pre>
         *
         * @throws IllegalStateException if {@code jetty-compression-zstandard} is not on the class path
         */
        public Builder zstd(int minimumSize) {
            return zstd(minimumSize, 3);
        }

        /** {@link #zstd(int)} at a {@code level} from 1 (fastest) to 22 (smallest). */
        public Builder zstd(int minimumSize, int level) {
            this.compression = (compression == null ? Compression.NONE : compression).withZstd(minimumSize, level);
            return this;
        }

        /**
         * Logs one line per request on the logger {@code dev.coda.access}: method, path, status, duration and
         * request id ({@code X-Request-Id}, or a new one given to the request), also as SLF4J key-value pairs.
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).accessLog(true).run();
         * // INFO dev.coda.access - method=GET path=/items/1 status=200 duration_ms=0.84 request_id=1b0c…
         * }</pre>
         */
        public Builder accessLog(boolean enabled) {
            this.accessLog = enabled;
            return this;
        }

        /**
         * Wraps the app in a Jetty handler, for what needs Jetty itself (a Jetty module's handler, raw
         * connection details). Wrappers added first are outermost; all sit inside the access log, compression and
         * CORS. See {@code docs/middleware.md}.
         *
         * <pre>{@code
         * Coda.app().routes(new Main())
         *     .jettyHandler(app -> {
         *         var limit = new org.eclipse.jetty.server.handler.SizeLimitHandler(1 << 20, -1);
         *         limit.setHandler(app);
         *         return limit;
         *     })
         *     .run();
         * }</pre>
         */
        public Builder jettyHandler(Function<Handler, Handler> wrapper) {
            jettyHandlers.add(Objects.requireNonNull(wrapper, "wrapper"));
            return this;
        }

        /**
         * Honours the forwarded headers of the proxies in {@code trusted}, as uvicorn's {@code --proxy-headers
         * --forwarded-allow-ips}: from those peers only, {@link Request#remoteAddress()}, the scheme and host of
         * {@link Request#url()}, and the HTTPS redirect and trusted hosts see the client's request as the proxy forwarded
         * it (RFC 7239 {@code Forwarded}, else {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Port}). The
         * client is the right-most address of the chain that is not a trusted proxy. Entries are IP addresses, CIDR
         * networks, or {@code *} for every peer (only when nothing else can reach the app). Off by default: the headers
         * of any peer change nothing. See {@code docs/middleware.md}.
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).proxyHeaders("127.0.0.1", "10.0.0.0/8").run();
         * }</pre>
         */
        public Builder proxyHeaders(String... trusted) {
            this.proxyHeaders = new ProxyHeaders(List.of(trusted));
            return this;
        }

        /**
         * Answers only requests for these hosts, as Starlette's {@code TrustedHostMiddleware}: another {@code Host} gets
         * {@code 400 Invalid host header}. {@code *.example.com} allows every subdomain, {@code *} every host. A request
         * for {@code example.com} where only {@code www.example.com} is allowed is redirected there ({@code 307}).
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).trustedHosts("example.com", "*.example.com").run();
         * }</pre>
         */
        public Builder trustedHosts(String... allowed) {
            return trustedHosts(List.of(allowed), true);
        }

        /** {@link #trustedHosts(String...)}, with or without the redirect to the {@code www.} host. */
        public Builder trustedHosts(List<String> allowed, boolean wwwRedirect) {
            this.trustedHosts = new TrustedHosts(allowed, wwwRedirect);
            return this;
        }

        /**
         * Redirects every plain HTTP request to HTTPS ({@code 307}, same path and query; ports 80 and 443 dropped), as
         * Starlette's {@code HTTPSRedirectMiddleware}. Behind a proxy that ends TLS, use {@link #proxyHeaders} so that the
         * proxy's {@code X-Forwarded-Proto: https} counts.
         */
        public Builder httpsRedirect(boolean enabled) {
            this.httpsRedirect = enabled;
            return this;
        }

        /**
         * The path prefix a proxy serves the app under and takes off before passing requests on (FastAPI's
         * {@code root_path}, uvicorn's {@code --root-path}): the app still routes {@code /items}, while the URLs it builds
         * carry the prefix: {@link Request#url()}, its redirects, the docs pages' links to the document, and the
         * document's {@code servers} (the prefix first, as FastAPI, unless {@link #rootPathInServers} is off).
         *
         * <pre>{@code
         * Coda.app().routes(new Main()).rootPath("/api/v1").run();     // the proxy sends /api/v1/items as /items
         * }</pre>
         */
        public Builder rootPath(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            var stripped = withoutTrailingSlash(prefix);
            if (!stripped.isEmpty() && !stripped.startsWith("/")) {
                throw new IllegalArgumentException("the root path must start with /: " + prefix);
            }
            this.rootPath = stripped;
            return this;
        }

        /** Whether the root path is the document's first server; default {@code true} (FastAPI's {@code root_path_in_servers}). */
        public Builder rootPathInServers(boolean enabled) {
            this.rootPathInServers = enabled;
            return this;
        }

        /**
         * Serves another app under {@code prefix}, FastAPI's {@code app.mount("/subapi", subapi)}: {@code /subapi/items}
         * goes to the sub-app's {@code /items}, with its own routes, dependencies, exception handlers, layers and docs
         * ({@code /subapi/docs}, {@code /subapi/openapi.json} with {@code servers: [{"url": "/subapi"}]}); a path below the
         * prefix that the sub-app does not know gets its {@code 404}. The sub-app's background tasks run on this app's
         * task runtime, and its resources and hooks open and close with this app. A prefix that would hide a route,
         * docs page, static files or another mount is refused by {@link #build()}.
         *
         * <pre>{@code
         * var subapi = Coda.app().routes(new Sub()).build();
         * Coda.app().routes(new Main()).mount("/subapi", subapi).run();
         * }</pre>
         */
        public Builder mount(String prefix, Coda subApp) {
            Objects.requireNonNull(subApp, "subApp");
            if (subApp.declarations.tasks != null || subApp.declarations.taskSettingsGiven) {
                throw new IllegalArgumentException("the app mounted at " + prefix + " has background task settings of its own; "
                        + "a mounted app runs its tasks on the app it is mounted in: configure them there");
            }
            return mounted(prefix, subApp);
        }

        /**
         * Serves a Jetty handler under {@code prefix}, for the low-level cases: it gets the requests below the prefix,
         * with the prefix taken off their path, inside this app's layers; the server starts and stops it.
         */
        public Builder mount(String prefix, Handler handler) {
            return mounted(prefix, Objects.requireNonNull(handler, "handler"));
        }

        private Builder mounted(String prefix, Object target) {
            Objects.requireNonNull(prefix, "prefix");
            var key = withoutTrailingSlash(prefix);
            if (!key.startsWith("/")) {
                throw new IllegalArgumentException("a mount's prefix must start with / and not be /: " + prefix);
            }
            if (mounts.putIfAbsent(key, target) != null) {
                throw new IllegalArgumentException("two mounts at " + prefix);
            }
            return this;
        }

        /**
         * Middleware around every request of the app, 404s and 405s included ({@link Middleware}): it sees the request before
         * the route's dependencies, and the response (as the exception handlers gave it, for an error) after. The first
         * given is the outermost, as read top to bottom, where Starlette's {@code add_middleware} makes the last added the
         * outermost; all sit inside the Jetty layers (access log, gzip, CORS, {@link #jettyHandler}) and outside a router's
         * middleware. See {@code docs/middleware.md}.
         *
         * <pre>{@code
         * Coda.app().routes(new Main())
         *     .middleware((request, chain) -> chain.proceed().header("X-Frame-Options", "DENY"))
         *     .run();
         * }</pre>
         */
        public Builder middleware(Middleware... middleware) {
            for (var m : middleware) {
                this.middleware.add(Objects.requireNonNull(m, "middleware"));
            }
            return this;
        }

        /**
         * The interface to listen on; default the {@code HOST} environment variable, else {@code 127.0.0.1}: this
         * machine only, as uvicorn. {@code 0.0.0.0} listens on all interfaces (to be reached from other machines, or
         * from outside a container).
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; default the {@code PORT} environment variable, else 8000; 0 picks a free port. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
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

        /** The limits of form bodies and uploads, from their defaults ({@link FormLimits}). */
        public Builder formLimits(Consumer<FormLimits.Builder> settings) {
            settings.accept(formLimits);
            return this;
        }

        /**
         * Whether a JSON body must come with a JSON {@code Content-Type} ({@code application/json} or
         * {@code application/*+json}); default {@code true}, as FastAPI 0.120+: a body without one is read as text, so a
         * JSON model parameter answers 422. A guard against cross-site requests, which cannot send a JSON content type
         * without a preflight. {@code false} reads a body without any {@code Content-Type} as JSON.
         */
        public Builder strictContentType(boolean strict) {
            this.strictContentType = strict;
            return this;
        }

        /** How long a graceful stop waits for in-flight requests; default 30 seconds. */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdownTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * How long a connection may stay silent: between requests on a keep-alive connection, or while a request is
         * read or its response written (Jetty's idle timeout); the server then closes it. Default 30 seconds.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = atLeastOneMillisecond(timeout, "idleTimeout");
            return this;
        }

        /**
         * The most connections open at once. At the limit the server stops accepting: new clients wait in the
         * accept queue ({@link #acceptQueueSize}) and are served as connections close; a warning is logged when the
         * limit is reached, at most once a minute. Default 4096, well under the file descriptor limit of a usual JVM
         * process (the JVM raises its limit to the hard one, typically 65536 or more), so that the process never
         * runs out of them and fails every client at once.
         *
         * <pre>{@code
         * Coda.app().routes(new Items()).maxConnections(10_000).acceptQueueSize(4096).run();
         * }</pre>
         */
        public Builder maxConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1: " + connections);
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * How many connections the kernel keeps waiting to be accepted (the listen backlog): they wait there at
         * the connection limit, or in a burst. Past it, the kernel ignores new connection attempts, which clients
         * retry after a second, then longer. Default 2048, as uvicorn and gunicorn; Linux caps it at
         * {@code net.core.somaxconn} (4096 since kernel 5.4).
         */
        public Builder acceptQueueSize(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("acceptQueueSize must be at least 1: " + connections);
            }
            this.acceptQueueSize = connections;
            return this;
        }

        /**
         * How long a request head (request line and headers) may take to arrive: the first of a connection,
         * counted from the accept; a later one, from its first byte. A connection past it is closed without an
         * answer: a client sending a byte now and then (slowloris) cannot hold it, as it could against the idle
         * timeout alone. Default 10 seconds.
         */
        public Builder requestHeadTimeout(Duration timeout) {
            this.requestHeadTimeout = atLeastOneMillisecond(timeout, "requestHeadTimeout");
            return this;
        }

        /**
         * The slowest a request body may arrive. Counted from the moment the server starts reading it, the body has
         * {@code grace} to start arriving, and one more second for every {@code bytesPerSecond} bytes received, so a
         * client must keep up that average rate (the rule of Apache's {@code mod_reqtimeout}). A body behind it is
         * answered {@code 408 {"detail":"Request Timeout"}} and its connection closed. Default 1024 bytes per second
         * after 10 seconds: far below any real network, far above a client trickling bytes to hold a connection.
         *
         * <pre>{@code
         * Coda.app().routes(new Uploads()).minRequestBodyRate(256, Duration.ofSeconds(30)).run();   // very slow clients
         * }</pre>
         */
        public Builder minRequestBodyRate(long bytesPerSecond, Duration grace) {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("minRequestBodyRate must be at least 1 byte per second: " + bytesPerSecond);
            }
            this.requestBodyGrace = atLeastOneMillisecond(grace, "grace");
            this.minRequestBodyRate = bytesPerSecond;
            return this;
        }

        /**
         * How long a server-sent event stream ({@code Response.events}) may stay silent before the server sends a
         * keep-alive comment ({@code : ping}), which keeps proxies from closing it and finds a client that has gone.
         * Default 15 seconds, as FastAPI; keep it under the {@link #idleTimeout}, which would otherwise close a
         * silent stream.
         *
         * <pre>{@code
         * Coda.app().routes(new Feed()).eventKeepAlive(Duration.ofSeconds(5)).run();
         * }</pre>
         */
        public Builder eventKeepAlive(Duration interval) {
            this.eventKeepAlive = atLeastOneMillisecond(interval, "eventKeepAlive");
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
         * The app's durable worker: {@code start} starts it (returning what stops it, such as a {@code Worker}) when the
         * app starts in the {@link Role#WORKER worker} or {@link Role#ALL all} role ({@link Coda#run(String...)},
         * {@link Coda#start()}), after the resources and startup hooks; it is stopped after HTTP and the in-process tasks,
         * before the shutdown hooks and resources. A {@link dev.coda.testing.TestClient} does not start it.
         *
         * <pre>{@code
         * Coda.app().routes(new FilesApi(durable)).durable(durable)
         *         .worker(() -> durable.worker().service(jobs).concurrency("default", 8).start())
         *         .build().run(args);
         * }</pre>
         */
        public Builder worker(Callable<? extends AutoCloseable> start) {
            this.worker = Objects.requireNonNull(start, "start");
            return this;
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
         * Describes the app in its OpenAPI document: title, version, description, servers, tags, contact, license.
         *
         * <pre>{@code
         * Coda.app().routes(new Shop()).openapi(doc -> doc.title("Shop").version("1.2.0").tag("items", "Operations on items"));
         * }</pre>
         */
        public Builder openapi(Consumer<OpenApi.Builder> settings) {
            settings.accept(openapi);
            return this;
        }

        /**
         * Where the OpenAPI document is served; default {@code /openapi.json}; {@code null} serves no document, and so
         * neither Swagger UI nor ReDoc (FastAPI's {@code openapi_url}).
         */
        public Builder openapiUrl(String path) {
            this.openapiUrl = docsPath(path, "openapiUrl");
            return this;
        }

        /** Where Swagger UI is served; default {@code /docs}; {@code null} serves none (FastAPI's {@code docs_url}). */
        public Builder docsUrl(String path) {
            this.docsUrl = docsPath(path, "docsUrl");
            return this;
        }

        /** Where ReDoc is served; default {@code /redoc}; {@code null} serves none (FastAPI's {@code redoc_url}). */
        public Builder redocUrl(String path) {
            this.redocUrl = docsPath(path, "redocUrl");
            return this;
        }

        private static String docsPath(String path, String setting) {
            if (path != null && !path.startsWith("/")) {
                throw new IllegalArgumentException(setting + " must start with /: " + path);
            }
            return path;
        }

        /**
         * Compiles and checks the application; reads {@code HOST} and {@code PORT} unless {@link #host} and
         * {@link #port} were given.
         *
         * @throws IllegalStateException listing every problem found in the declarations
         * @throws IllegalArgumentException if {@code PORT} is needed and is not a port number
         */
        public Coda build() {
            return build(List.of());
        }

        private Coda build(List<Object> overrides) {
            if (tasks != null && taskSettingsGiven) {
                throw new IllegalStateException("Coda cannot start: background task settings were given with backgroundTasks(...) "
                        + "and a runtime with tasks(...), whose own settings would silently win; configure the runtime instead");
            }
            var taskRuntime = tasks != null ? tasks : taskSettings.build();
            var afterResponse = new AfterResponse(Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("coda-after-response-", 0).factory()), taskRuntime);
            return build(overrides, rootPath, taskRuntime, afterResponse);
        }

        /** The app under {@code root}, its tasks on {@code taskRuntime} (an app's own, or that of the app it is mounted in). */
        private Coda build(List<Object> overrides, String root, TaskRuntime taskRuntime, AfterResponse afterResponse) {
            var mounted = new ArrayList<dev.coda.internal.server.Settings.Mount>();
            var mountedLifespans = new ArrayList<Lifespan>();
            mounts.forEach((prefix, target) -> {
                if (target instanceof Coda sub) {
                    var built = sub.declarations.build(List.of(), root + prefix, taskRuntime, afterResponse).runtime;
                    mounted.add(new dev.coda.internal.server.Settings.Mount(prefix, built.application(), null));
                    mountedLifespans.add(built.lifespan());
                } else {
                    mounted.add(new dev.coda.internal.server.Settings.Mount(prefix, null, (Handler) target));
                }
            });
            var settings = new dev.coda.internal.server.Settings(host != null ? host : hostFromEnvironment(), port >= 0 ? port : portFromEnvironment(),
                    maxRequestBodySize, shutdownTimeout, idleTimeout, maxConnections, acceptQueueSize, requestHeadTimeout,
                    requestBodyGrace, minRequestBodyRate, eventKeepAlive, formLimits.build(), strictContentType,
                    new Edge(proxyHeaders, accessLog, trustedHosts, httpsRedirect, compression, cors == null ? null : cors.policy(),
                            List.copyOf(jettyHandlers), root),
                    root, mounted);
            var info = openapi.build();
            var docs = new Docs(openapiUrl, openapiUrl == null ? null : docsUrl, openapiUrl == null ? null : redocUrl,
                    rootPathInServers ? withServer(info, root) : info, root);
            var members = new ArrayList<RouteGroup.Member>();
            for (var entry : routes) {
                if (entry instanceof ApiRouter router) {
                    members.addAll(router.members(RouteGroup.NONE));
                } else {
                    members.add(new RouteGroup.Member(entry, RouteGroup.NONE));
                }
            }
            var overridden = AppCompiler.providedTypes(overrides);         // an overridden resource or settings is left out
            var steps = new ArrayList<Lifespan.Step>();
            for (var entry : settingsRecords) {
                if (overridden.contains(entry instanceof Class<?> type ? type : entry.getClass())) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                var loaded = entry instanceof Class<?> type ? Settings.of((Class<? extends Record>) type).environment(environment).load() : entry;
                steps.add(new Lifespan.Resource(loaded.getClass(), () -> loaded));
            }
            for (var step : lifespan) {
                if (!(step instanceof Lifespan.Resource r && overridden.contains(r.type()))) {
                    steps.add(step);
                }
            }
            for (var sub : mountedLifespans) {         // a mounted app's resources and hooks open after this app's, close before
                steps.add(new Lifespan.Hook(() -> {
                    sub.open();
                    return null;
                }, null));
                steps.add(new Lifespan.Hook(null, () -> {
                    sub.close();
                    return null;
                }));
            }
            var lifespanOf = new Lifespan(steps);
            Application application = AppCompiler.compile(members, dependencies, requires, middleware, exceptionHandlers, settings,
                    taskRuntime, docs, staticFiles, lifespanOf, overrides);
            return new Coda(new Internals.Runtime(application, afterResponse, taskRuntime, lifespanOf), this);
        }

        /** FastAPI's {@code openapi()}: the root path as the first server, unless a server has its URL already. */
        private static OpenApi withServer(OpenApi info, String root) {
            if (root.isEmpty() || info.servers().stream().anyMatch(server -> server.url().equals(root))) {
                return info;
            }
            var servers = new ArrayList<OpenApi.Server>();
            servers.add(new OpenApi.Server(root, null));
            servers.addAll(info.servers());
            return new OpenApi(info.title(), info.version(), info.description(), info.summary(), info.termsOfService(), info.contact(),
                    info.license(), servers, info.tags());
        }

        /** {@link #build()}, then {@link Coda#run()}. */
        public void run() {
            build().run();
        }

        /** {@link #build()}, then {@link Coda#run(String...)}: the role of {@code args}, else {@code CODA_ROLE}, else all. */
        public void run(String... args) {
            var role = Role.fromArgs(args);
            build().run(role);
        }

        /** {@link #build()}, then {@link Coda#start()}. */
        public Server start() {
            return build().start();
        }
    }
}
