package dev.coda.examples;

import dev.coda.Get;
import dev.coda.Operation;
import dev.coda.Response;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;

/**
 * An example's {@code GET /metrics}: its meters (the task meters, {@code coda.tasks.*}) in Prometheus's text format,
 * left out of the OpenAPI document, which describes the app's API.
 *
 * <pre>{@code
 * var metrics = new PrometheusMetrics();
 * Coda.app().routes(new Tutorial002(), metrics).backgroundTasks(tasks -> tasks.meterRegistry(metrics.registry())).build();
 * // curl localhost:8000/metrics  ->  coda_tasks_runs_seconds_count{kind="in-process",outcome="succeeded",...} 2
 * }</pre>
 */
@Operation(hidden = true)
public final class PrometheusMetrics {

    /** The content type of the text format that Prometheus scrapes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The registry to give the task runtime and the durable tasks. */
    public MeterRegistry registry() {
        return registry;
    }

    @Get("/metrics")
    public Response metrics() {
        return Response.bytes(registry.scrape().getBytes(StandardCharsets.UTF_8), CONTENT_TYPE);
    }
}
