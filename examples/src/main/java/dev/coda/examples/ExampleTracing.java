package dev.coda.examples;

import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * The examples' OpenTelemetry SDK: set up from the {@code OTEL_*} environment variables (the SDK's autoconfiguration)
 * when {@code OTEL_TRACES_EXPORTER} is set, and set as the global instance that Coda's spans go to; otherwise none,
 * and Coda makes no spans. Exporters: the SDK's, and {@code jsonl} ({@link JsonLinesSpanExporter}).
 *
 * <pre>{@code
 * OTEL_TRACES_EXPORTER=jsonl OTEL_EXPORTER_JSONL_FILE=spans.jsonl OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \
 *     java -jar coda-examples.jar files
 * }</pre>
 */
final class ExampleTracing {

    private ExampleTracing() {
    }

    /** Sets the SDK up if {@code OTEL_TRACES_EXPORTER} is set; before anything makes a span. */
    static void initFromEnvironment() {
        var exporter = System.getenv("OTEL_TRACES_EXPORTER");
        if (exporter != null && !exporter.isBlank()) {
            // registers a shutdown hook that flushes the spans not exported yet
            AutoConfiguredOpenTelemetrySdk.initialize();
        }
    }
}
