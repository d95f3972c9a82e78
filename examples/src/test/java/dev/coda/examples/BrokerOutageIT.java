package dev.coda.examples;

import static dev.coda.examples.FilesCluster.DONE;
import static dev.coda.examples.FilesCluster.STARTUP;
import static dev.coda.examples.FilesCluster.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.examples.FilesCluster.Proc;
import dev.coda.testsupport.OwnPostgres;
import dev.coda.testsupport.OwnRabbit;
import dev.coda.testsupport.OwnRedis;
import dev.coda.testsupport.OwnServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code files} example's web and worker processes (the shaded jar, one process each) on a task server of the
 * test's own ({@link OwnServer}) while clients keep uploading, through an outage of that server: crashed (SIGKILL)
 * then restarted on the same port and data, or frozen (SIGSTOP: open connections hang, as in a network partition)
 * then thawed (SIGCONT). While it is away, {@code POST /files} answers {@code 202} or {@code 503} with
 * {@code Retry-After}, within the client's timeout: never a 500, never a hang. Once it is back, new uploads are
 * accepted by the same web process and processed by the same worker process (both reconnected by themselves), and
 * every upload ever answered {@code 202} is processed: none is lost.
 *
 * <p>Each engine's server is started here ({@link Engine}); the machine's shared servers are never touched.
 */
class BrokerOutageIT {

    /** How long a frozen server stays frozen: several of the engines' timeouts, and many requests. */
    private static final Duration FROZEN = Duration.ofSeconds(6);
    /** The least time a crashed server stays down: the web's and the worker's calls meet it, whatever its restart takes. */
    private static final Duration DOWN = Duration.ofSeconds(3);
    /** Requests answered while the server is away before it comes back: the web meets the outage more than once. */
    private static final int ANSWERS_DURING_OUTAGE = 6;
    private static final int CLIENTS = 2;
    /** The longest an answer may take while the server is away: the engines' timeouts (2-3 s) with room for a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(6);

    /**
     * The engines: a server of the test's own, the {@code CODA_TASKS_URL} the processes use on it, and where the
     * {@code files} example keeps uploads with it.
     */
    enum Engine {
        /**
         * Uploads in the engine's database ({@code file_uploads}): they go away and come back with it. With
         * {@code socketTimeout}, as docs/reliability.md advises where a network can drop packets silently: without it
         * a query on a connection to a frozen server waits as long as the freeze (measured: every request answered
         * only after the thaw, 6 s), or until TCP gives up.
         */
        POSTGRESQL(OwnPostgres::start, server -> server.url("files_outage") + "&socketTimeout=3", false),
        // AOF always: with no persistence a crash of Redis loses every task, by design (docs/engine-redis.md)
        REDIS(() -> OwnRedis.start(OwnRedis.Persistence.AOF_ALWAYS), server -> server.url("files-outage"), true),
        // the task state in the example's SQLite file of the working directory (the default store)
        AMQP(OwnRabbit::start, server -> server.url("files-outage"), true);

        private final ServerStart start;
        private final Function<OwnServer, String> tasksUrl;
        private final boolean uploadsInDataDir;

        Engine(ServerStart start, Function<OwnServer, String> tasksUrl, boolean uploadsInDataDir) {
            this.start = start;
            this.tasksUrl = tasksUrl;
            this.uploadsInDataDir = uploadsInDataDir;
        }
    }

    /** Starts a server of the test's own. */
    @FunctionalInterface
    interface ServerStart {
        OwnServer start() throws IOException, InterruptedException;
    }

    /** One answer to {@code POST /files}: its status ({@code -1}: no answer within the client's timeout), when it was sent, how long it took. */
    private record Answer(int status, long sentAt, long answeredAt, String retryAfter, String body) {

        Duration took() {
            return Duration.ofNanos(answeredAt - sentAt);
        }
    }

    @TempDir
    Path workDir;

    private FilesCluster cluster;
    private OwnServer server;
    private URI base;
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    /** Task id → content of every upload answered 202. */
    private final Map<String, byte[]> accepted = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private ExecutorService clients;

    @BeforeEach
    void newCluster() throws IOException {
        cluster = new FilesCluster(workDir);
    }

    @AfterEach
    void stopEverything() throws Exception {
        stop.set(true);
        if (clients != null) {
            clients.shutdownNow();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
        cluster.close();
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void the_server_crashed_and_restarted_under_load_loses_no_accepted_upload_and_both_processes_reconnect(Engine engine) throws Exception {
        var processes = startUploading(engine);
        long down = System.nanoTime();
        server.crash();
        awaitAnswersDuringOutage(down, DOWN);
        server.restart();
        System.out.printf("%s: restarted in %d ms%n", engine, server.startTime().toMillis());
        afterOutage(engine, "crash", processes, down, System.nanoTime());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void the_server_frozen_as_in_a_partition_then_thawed_loses_no_accepted_upload_and_both_processes_go_on(Engine engine) throws Exception {
        var processes = startUploading(engine);
        long down = System.nanoTime();
        server.freeze();
        awaitAnswersDuringOutage(down, FROZEN);
        server.thaw();
        afterOutage(engine, "freeze", processes, down, System.nanoTime());
    }

    /** The server, a web and a worker process on it, and {@link #CLIENTS} clients uploading; returns once 10 uploads were accepted. */
    private List<Proc> startUploading(Engine engine) throws Exception {
        server = engine.start.start();
        System.out.printf("%s: server started in %d ms%n", engine, server.startTime().toMillis());
        cluster.tasksUrl(engine.tasksUrl.apply(server));
        var options = new ArrayList<>(List.of("--work-delay", "100ms"));
        if (engine.uploadsInDataDir) {
            options.addAll(List.of("--data-dir", workDir.resolve("uploads").toString()));
        }
        var web = cluster.launch("web", concat(List.of("--role", "web"), options));
        var worker = cluster.launch("worker", concat(List.of("--role", "worker"), options));
        base = cluster.awaitWeb(web);
        cluster.awaitWorker(worker);

        clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.submit(() -> upload(client));
        }
        await("uploads accepted before the outage").atMost(STARTUP).until(() -> accepted.size() >= 10);
        return List.of(web, worker);
    }

    /** Uploads one after the other until stopped, recording every answer, and the content of those answered 202. */
    private Void upload(int client) throws Exception {
        for (int i = 0; !stop.get(); i++) {
            var content = ("client " + client + " upload " + i + "\n").repeat(i % 5 + 1).getBytes(StandardCharsets.UTF_8);
            long sent = System.nanoTime();
            try {
                var response = cluster.post(base, content);
                if (response.statusCode() == 202) {
                    accepted.put(cluster.json().readTree(response.body()).get("id").asText(), content);
                }
                answers.add(new Answer(response.statusCode(), sent, System.nanoTime(),
                        response.headers().firstValue("Retry-After").orElse(null), response.body()));
            } catch (IOException e) {
                answers.add(new Answer(-1, sent, System.nanoTime(), null, e.toString()));   // the client's timeout: a hang
            }
        }
        return null;
    }

    /** Waits (for at least {@code atLeast}) until the web answered several uploads sent after the server went away. */
    private void awaitAnswersDuringOutage(long down, Duration atLeast) {
        await("answers while the server is away").pollDelay(atLeast).atMost(DONE)
                .until(() -> answers.stream().filter(a -> a.sentAt() >= down).count() >= ANSWERS_DURING_OUTAGE);
    }

    /**
     * Uploads go on until several are accepted again; then every answer is a 202 or a 503 with Retry-After, every
     * upload answered 202 is processed by the same worker, and both processes still run.
     */
    private void afterOutage(Engine engine, String outage, List<Proc> processes, long down, long up) throws Exception {
        await("uploads accepted again after the server is back").atMost(DONE)
                .failFast("a process exited", () -> processes.stream().anyMatch(p -> !p.isAlive()))
                .until(() -> answers.stream().filter(a -> a.sentAt() >= up && a.status() == 202).count() >= 5);
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).as("the clients stopped").isTrue();

        var all = List.copyOf(answers);
        assertThat(all).as("every answer is a 202 or a 503, within %s", BOUND).allSatisfy(answer -> {
            assertThat(answer.status()).as("%s", answer).isIn(202, 503);
            assertThat(answer.took()).as("%s", answer).isLessThan(BOUND);
            if (answer.status() == 503) {
                assertThat(answer.retryAfter()).as("Retry-After of %s", answer).isNotNull();
                assertThat(Integer.parseInt(answer.retryAfter())).as("Retry-After of %s", answer).isBetween(1, 60);
            }
        });
        var during = all.stream().filter(a -> a.sentAt() >= down && a.sentAt() < up).toList();
        var recovered = all.stream().filter(a -> a.sentAt() >= up && a.status() == 202).mapToLong(Answer::answeredAt).min().orElseThrow();
        System.out.printf("%s %s: %d uploads answered, %d sent during the %d ms outage: %d answered 503, %d answered 202;"
                        + " slowest answer %d ms; first 202 %d ms after the server was back%n",
                engine, outage, all.size(), during.size(), TimeUnit.NANOSECONDS.toMillis(up - down),
                during.stream().filter(a -> a.status() == 503).count(), during.stream().filter(a -> a.status() == 202).count(),
                all.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0), TimeUnit.NANOSECONDS.toMillis(recovered - up));

        var web = processes.get(0);
        var worker = processes.get(1);
        long start = System.nanoTime();
        // the whole backlog: DONE to recover, then at least 10 uploads a second (the worker could do 80: 8 at 100 ms),
        // and a minute more: RabbitMQ closes a worker's connection a minute after a call to a quorum queue the crash left
        // without a leader, and the calls meanwhile may wait (docs/engine-rabbitmq.md, "A queue that does not answer")
        long deadline = start + DONE.plusSeconds(60).plusMillis(100L * accepted.size()).toNanos();
        for (var entry : Map.copyOf(accepted).entrySet()) {
            var left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
            var done = cluster.awaitSucceeded(base, entry.getKey(), worker, left);
            assertThat(done.get("result").get("bytes").asLong()).as("%s", done).isEqualTo(entry.getValue().length);
        }
        System.out.printf("%s %s: all %d accepted uploads processed, the last %d ms after the clients stopped%n",
                engine, outage, accepted.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(processes).as("the same web and worker processes, never restarted").allSatisfy(p -> assertThat(p.isAlive()).isTrue());
        cluster.stopGracefully(worker);
        cluster.stopGracefully(web);
    }
}
