package dev.coda.benchmarks;

import java.util.Arrays;

/**
 * {@code java -jar benchmarks/target/coda-benchmarks.jar <command> [args]}:
 * <ul>
 *   <li>{@code ceiling}: the bare-Jetty tutorial002 server (PORT, HOST);</li>
 *   <li>{@code latency-app}: the task-latency app (PORT, HOST, TASKS, TASK_SLEEP_MS);</li>
 *   <li>{@code edge-app <none|cors|gzip>}: {@link EdgeBenchmark}'s app on a real port (PORT, HOST), for {@code edge_load.sh};</li>
 *   <li>{@code heap-per-task [tasks] [runs]}: heap retained per queued task, as JSON;</li>
 *   <li>{@code jmh [JMH options]}: the JMH benchmarks (e.g. {@code jmh -rf json -rff out.json}).</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        var rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (args.length == 0 ? "" : args[0]) {
            case "ceiling" -> CeilingServer.main(rest);
            case "latency-app" -> LatencyApp.main(rest);
            case "edge-app" -> EdgeBenchmark.app(rest.length == 1 ? rest[0] : "?")
                    .host(System.getenv().getOrDefault("HOST", "127.0.0.1"))
                    .port(Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"))).start();
            case "heap-per-task" -> HeapPerTask.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: java -jar coda-benchmarks.jar <ceiling|latency-app|edge-app|heap-per-task|jmh> [args]");
                System.exit(2);
            }
        }
    }
}
