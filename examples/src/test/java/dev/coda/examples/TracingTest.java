package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.Coda;
import dev.coda.Post;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskContext;
import dev.coda.durable.TaskEngine;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.testing.TestClient;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's trace context travels into its tasks: an in-process task runs in an INTERNAL span under the request's
 * SERVER span, a durable task is stored with its PRODUCER span's context and runs in a CONSUMER span under it; the
 * route and request id are stored with a durable task with or without an SDK. (Across processes: TracingIT.)
 */
class TracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01";

    /** The span current in each task when it ran, by task argument. */
    static final Map<String, String> spanInTask = new ConcurrentHashMap<>();

    /** Tasks of the test app. */
    public static final class Jobs {
        public static void note(String text) {
            spanInTask.put(text, Span.current().getSpanContext().getSpanId());
        }

        public static void report(String name) {
            spanInTask.put(name, Span.current().getSpanContext().getSpanId());
        }
    }

    /** The test app's routes. */
    public static final class Routes {
        @Post("/notes/{text}")
        public Map<String, String> note(String text, BackgroundTasks tasks) {
            tasks.addTask(Jobs::note, text);
            return Map.of();
        }

        @Post("/reports/{name}")
        public Map<String, String> report(String name, BackgroundTasks tasks) {
            return Map.of("id", tasks.addTask(Jobs::report, name).id());
        }
    }

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private TaskEngine engine;
    private DurableTasks durable;

    @BeforeEach
    void engine(@TempDir Path dir) {
        spanInTask.clear();
        engine = TaskEngine.sqlite(dir.resolve("tasks.db"));
        durable = DurableTasks.on(engine).task(Jobs::report).build();
    }

    @AfterEach
    void close() {
        engine.close();
        GlobalOpenTelemetry.resetForTest();
    }

    private void setSdk() {
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build());
    }

    @Test
    void anInProcessTaskRunsInASpanOfItsOwnUnderTheRequestsWhichContinuesTheCallersTrace() {
        setSdk();
        var app = Coda.app().routes(new Routes()).build();
        try (var client = TestClient.of(app)) {
            assertThat(client.request("POST", "/notes/hello").header("traceparent", TRACEPARENT).send().status()).isEqualTo(200);
        }
        var server = awaitSpan("POST /notes/{text}", SpanKind.SERVER);
        var task = awaitSpan("run TracingTest.Jobs.note", SpanKind.INTERNAL);

        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(server.getParentSpanId()).isEqualTo(CALLER_SPAN_ID);
        assertThat(task.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(task.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(spanInTask).as("the task's span is current in the task").containsEntry("hello", task.getSpanId());
    }

    @Test
    void aDurableTaskIsStoredWithItsEnqueueSpanAndRunsUnderItOnAWorker() {
        setSdk();
        var app = Coda.app().routes(new Routes()).durable(durable).build();
        String id;
        try (var client = TestClient.of(app)) {
            var response = client.request("POST", "/reports/q3").header("traceparent", TRACEPARENT)
                    .header("X-Request-Id", "req-q3").send();
            id = (String) ((Map<?, ?>) response.json()).get("id");
        }
        var server = awaitSpan("POST /reports/{name}", SpanKind.SERVER);
        var enqueue = awaitSpan("enqueue TracingTest.Jobs.report", SpanKind.PRODUCER);
        var context = durable.status(id).orElseThrow().context();
        assertThat(enqueue.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(context).containsEntry(TaskContext.TRACEPARENT, "00-" + TRACE_ID + "-" + enqueue.getSpanId() + "-01")
                .containsEntry(TaskContext.ROUTE, "POST /reports/{name}").containsEntry(TaskContext.REQUEST_ID, "req-q3");

        try (var worker = durable.worker().start()) {
            var run = awaitSpan("run TracingTest.Jobs.report", SpanKind.CONSUMER);
            assertThat(run.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(run.getParentSpanId()).isEqualTo(enqueue.getSpanId());
            assertThat(run.getAttributes().asMap().toString()).contains("coda.task.id=" + id);
            await().atMost(Duration.ofSeconds(20)).until(() -> spanInTask.containsKey("q3"));
            assertThat(spanInTask).containsEntry("q3", run.getSpanId());
        }
    }

    @Test
    void withoutAnSdkNoSpanIsMadeButTheRouteAndRequestIdAreStoredWithADurableTask() {
        var app = Coda.app().routes(new Routes()).durable(durable).build();
        String id;
        try (var client = TestClient.of(app)) {
            var response = client.request("POST", "/reports/q4").header("traceparent", TRACEPARENT)
                    .header("X-Request-Id", "req-q4").send();
            id = (String) ((Map<?, ?>) response.json()).get("id");
        }
        assertThat(durable.status(id).orElseThrow().context())
                .isEqualTo(Map.of(TaskContext.ROUTE, "POST /reports/{name}", TaskContext.REQUEST_ID, "req-q4"));
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    private SpanData awaitSpan(String name, SpanKind kind) {
        var found = new SpanData[1];
        await(name).atMost(Duration.ofSeconds(20)).until(() -> (found[0] = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name) && s.getKind() == kind).findFirst().orElse(null)) != null);
        return found[0];
    }
}
