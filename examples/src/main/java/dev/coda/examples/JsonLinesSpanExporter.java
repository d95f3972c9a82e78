package dev.coda.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A span exporter that appends one JSON object a span to a file: trace id, span id, parent span id, name, kind and
 * attributes; what a test (TracingIT) or {@code jq} reads without a collector. Named {@code jsonl} for the SDK's
 * autoconfiguration, its file in {@code OTEL_EXPORTER_JSONL_FILE} (default {@code spans.jsonl}).
 *
 * <pre>{@code
 * {"traceId":"4bf9…","spanId":"00f0…","parentSpanId":"","name":"POST /files","kind":"SERVER","attributes":{…}}
 * }</pre>
 */
public final class JsonLinesSpanExporter implements SpanExporter {

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();

    JsonLinesSpanExporter(Path file) {
        this.file = file;
    }

    /** The {@code jsonl} exporter of the SDK's autoconfiguration. */
    public static final class Provider implements ConfigurableSpanExporterProvider {
        @Override
        public SpanExporter createExporter(ConfigProperties config) {
            return new JsonLinesSpanExporter(Path.of(config.getString("otel.exporter.jsonl.file", "spans.jsonl")));
        }

        @Override
        public String getName() {
            return "jsonl";
        }
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        var lines = new StringBuilder();
        for (var span : spans) {
            var attributes = new TreeMap<String, Object>();
            span.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), value));
            var line = new LinkedHashMap<String, Object>();
            line.put("traceId", span.getTraceId());
            line.put("spanId", span.getSpanId());
            line.put("parentSpanId", span.getParentSpanContext().isValid() ? span.getParentSpanId() : "");
            line.put("name", span.getName());
            line.put("kind", span.getKind().name());
            line.put("status", span.getStatus().getStatusCode().name());
            line.put("attributes", attributes);
            lines.append(write(line)).append('\n');
        }
        try {
            Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return CompletableResultCode.ofSuccess();
        } catch (IOException e) {
            return CompletableResultCode.ofFailure();
        }
    }

    private String write(Map<String, Object> line) {
        try {
            return json.writeValueAsString(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
