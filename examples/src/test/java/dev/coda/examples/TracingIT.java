package dev.coda.examples;

import static dev.coda.examples.FilesCluster.DONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace spans a request and its durable task run by a worker process: the {@code files} example's web and worker
 * processes (the shaded jar, on their shared SQLite file) with the OpenTelemetry SDK set up from {@code OTEL_*}
 * variables, each exporting its spans to a file of its own ({@link JsonLinesSpanExporter}). {@code POST /files} comes
 * with a W3C {@code traceparent}: the web's SERVER span continues that trace, its PRODUCER span {@code enqueue
 * FileJobs.process} is the SERVER span's child, and the worker's CONSUMER span {@code run FileJobs.process} is the
 * PRODUCER span's child, in the same trace, with the request's route and id.
 */
class TracingIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";
    private static final String TASK = "FileJobs.process";

    @TempDir
    Path workDir;

    @Test
    void oneTraceSpansTheRequestTheEnqueueAndTheRunOnTheWorker() throws Exception {
        try (var cluster = new FilesCluster(workDir)) {
            var worker = cluster.launch("worker", List.of("--role", "worker"), tracing("worker"));
            cluster.awaitWorker(worker);
            var web = cluster.launch("web", List.of("--role", "web"), tracing("web"));
            var base = cluster.awaitWeb(web);

            var id = cluster.accepted(cluster.send(HttpRequest.newBuilder(base.resolve("/files"))
                    .header("Content-Type", "application/octet-stream")
                    .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
                    .header("X-Request-Id", "trace-it-1")
                    .POST(HttpRequest.BodyPublishers.ofString("traced upload"))));
            cluster.awaitSucceeded(base, id, worker);

            var server = awaitSpan("web", "POST /files", "SERVER");
            var enqueue = awaitSpan("web", "enqueue " + TASK, "PRODUCER");
            var run = awaitSpan("worker", "run " + TASK, "CONSUMER");

            assertThat(List.of(server, enqueue, run)).extracting(span -> span.get("traceId").asText())
                    .as("one trace, the caller's").containsOnly(TRACE_ID);
            assertThat(server.get("parentSpanId").asText()).as("the request's span continues the caller's").isEqualTo(CALLER_SPAN_ID);
            assertThat(enqueue.get("parentSpanId").asText()).as("enqueue under the request").isEqualTo(server.get("spanId").asText());
            assertThat(run.get("parentSpanId").asText()).as("the worker's run under the enqueue")
                    .isEqualTo(enqueue.get("spanId").asText());
            assertThat(server.get("attributes").get("http.route").asText()).isEqualTo("/files");
            assertThat(server.get("attributes").get("http.response.status_code").asInt()).isEqualTo(202);
            assertThat(run.get("attributes").get("coda.task.id").asText()).isEqualTo(id);
            assertThat(run.get("attributes").get("coda.route").asText()).isEqualTo("POST /files");
            assertThat(run.get("attributes").get("coda.request_id").asText()).isEqualTo("trace-it-1");
        }
    }

    /** The SDK's settings of one process: its spans to {@code <name>-spans.jsonl}, exported within 50 ms. */
    private Map<String, String> tracing(String name) {
        return Map.of("OTEL_TRACES_EXPORTER", "jsonl",
                "OTEL_EXPORTER_JSONL_FILE", spans(name).toString(),
                "OTEL_METRICS_EXPORTER", "none",
                "OTEL_LOGS_EXPORTER", "none",
                "OTEL_SERVICE_NAME", "files-" + name,
                "OTEL_BSP_SCHEDULE_DELAY", "50");
    }

    private Path spans(String name) {
        return workDir.resolve(name + "-spans.jsonl");
    }

    private JsonNode awaitSpan(String process, String name, String kind) {
        var found = new JsonNode[1];
        await(process + " exports its span '" + name + "'").atMost(DONE).pollInterval(Duration.ofMillis(100))
                .until(() -> (found[0] = find(process, name, kind).orElse(null)) != null);
        return found[0];
    }

    private Optional<JsonNode> find(String process, String name, String kind) throws IOException {
        var file = spans(process);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var out = new ArrayList<JsonNode>();
        for (var line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.endsWith("}")) {      // a line being written is incomplete
                var span = json.readTree(line);
                if (span.get("name").asText().equals(name) && span.get("kind").asText().equals(kind)) {
                    out.add(span);
                }
            }
        }
        assertThat(out).as("spans '%s' of %s", name, process).hasSizeLessThanOrEqualTo(1);
        return out.stream().findFirst();
    }
}
