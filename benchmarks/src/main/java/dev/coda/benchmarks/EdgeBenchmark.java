package dev.coda.benchmarks;

import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.internal.Internals;
import dev.coda.internal.server.JettyServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request through Jetty's in-process {@link LocalConnector} (HTTP parsing, the handler chain, the app, the
 * response bytes), with the edge layers of {@code layers}: none, CORS (the cors example's settings, a simple request
 * from an allowed origin, and a preflight), gzip at FastAPI's defaults (500 bytes, level 9). {@code hello} answers
 * 25 bytes (below the gzip minimum: the cost of negotiating only), {@code items} 1.3 kB (compressed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EdgeBenchmark {

    /** The routes: a small and a larger JSON answer, no tasks. */
    public static final class Routes {
        private static final List<Map<String, Object>> ITEMS = IntStream.range(0, 20)
                .mapToObj(i -> Map.<String, Object>of("id", i, "name", "item number " + i, "price", 10.5 + i)).toList();

        @Get("/")
        public Map<String, String> hello() {
            return Map.of("message", "Hello World");
        }

        @Get("/items")
        public List<Map<String, Object>> items() {
            return ITEMS;
        }
    }

    @Param({"none", "cors", "gzip"})
    public String layers;

    private Server server;
    private LocalConnector connector;

    private static final String HEADERS = "Host: localhost\r\nOrigin: http://localhost:8080\r\nAccept-Encoding: gzip, deflate, br\r\n";

    /** The benchmark's app with the edge layers named by {@code layers}: {@code none}, {@code cors} or {@code gzip}. */
    static Coda.Builder app(String layers) {
        var builder = Coda.app().routes(new Routes());
        switch (layers) {
            case "cors" -> builder.cors(c -> c.allowOrigins("http://localhost", "http://localhost:8080").allowCredentials(true)
                    .allowMethods("*").allowHeaders("*"));
            case "gzip" -> builder.gzip(500);
            case "none" -> { }
            default -> throw new IllegalArgumentException("layers are none, cors or gzip: " + layers);
        }
        return builder;
    }

    @Setup
    public void setUp() throws Exception {
        var runtime = Internals.runtime(app(layers).build());
        server = JettyServer.create(runtime.application(), runtime.afterResponse(), false, true);
        server.start();
        connector = server.getBean(LocalConnector.class);
        var answer = hello();
        if (!answer.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException("GET / did not answer 200: " + answer);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        server.stop();
    }

    @Benchmark
    public String hello() throws Exception {
        return connector.getResponse("GET / HTTP/1.1\r\n" + HEADERS + "\r\n");
    }

    @Benchmark
    public String items() throws Exception {
        return connector.getResponse("GET /items HTTP/1.1\r\n" + HEADERS + "\r\n");
    }

    @Benchmark
    public String preflight() throws Exception {
        return connector.getResponse("OPTIONS / HTTP/1.1\r\n" + HEADERS + "Access-Control-Request-Method: PUT\r\n"
                + "Access-Control-Request-Headers: X-Token\r\n\r\n");
    }
}
