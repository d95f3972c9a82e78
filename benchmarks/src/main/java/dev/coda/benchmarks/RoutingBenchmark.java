package dev.coda.benchmarks;

import dev.coda.internal.routing.PathTemplate;
import dev.coda.internal.routing.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Route matching in a {@link Router} holding 100 routes: what every request pays before binding. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {

    static final String[] RESOURCES = {
        "users", "items", "orders", "invoices", "payments", "products", "carts", "reviews",
        "shipments", "customers", "suppliers", "warehouses", "coupons", "categories", "sessions", "reports",
    };

    private Router<String> router;

    /** 16 resources with 6 routes each, and 4 others: 100 routes. */
    static List<String[]> routes() {
        var out = new ArrayList<String[]>();
        for (var r : RESOURCES) {
            out.add(new String[] {"GET", "/api/v1/" + r});
            out.add(new String[] {"POST", "/api/v1/" + r});
            out.add(new String[] {"GET", "/api/v1/" + r + "/{id}"});
            out.add(new String[] {"PUT", "/api/v1/" + r + "/{id}"});
            out.add(new String[] {"DELETE", "/api/v1/" + r + "/{id}"});
            out.add(new String[] {"GET", "/api/v1/" + r + "/{id}/history"});
        }
        out.add(new String[] {"GET", "/"});
        out.add(new String[] {"GET", "/health"});
        out.add(new String[] {"GET", "/files/{path:path}"});
        out.add(new String[] {"POST", "/send-notification/{email}"});
        return out;
    }

    @Setup
    public void setUp() {
        router = new Router<>();
        var all = routes();
        if (all.size() != 100) {
            throw new IllegalStateException("expected 100 routes, got " + all.size());
        }
        for (var r : all) {
            router.add(r[0], PathTemplate.parse(r[1]), r[0] + " " + r[1]);
        }
    }

    /** A literal path: {@code GET /api/v1/warehouses}. */
    @Benchmark
    public Router.Match<String> literal() {
        return router.match("GET", "/api/v1/warehouses");
    }

    /** A placeholder and a literal after it: {@code GET /api/v1/warehouses/12345/history}. */
    @Benchmark
    public Router.Match<String> placeholder() {
        return router.match("GET", "/api/v1/warehouses/12345/history");
    }

    /** Tutorial002's route: {@code POST /send-notification/foo@example.com}. */
    @Benchmark
    public Router.Match<String> tutorial002() {
        return router.match("POST", "/send-notification/foo@example.com");
    }

    /** No route: {@code GET /api/v2/nothing/here} (the 404 path). */
    @Benchmark
    public Router.Match<String> notFound() {
        return router.match("GET", "/api/v2/nothing/here");
    }
}
