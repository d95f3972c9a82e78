package dev.coda.tasks.internal;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;

/**
 * Coda's one way to OpenTelemetry (the API only): the global instance the application set, if any. Without one every
 * method is a no-op after one volatile read, so that an application without an SDK pays nothing for tracing.
 *
 * <pre>{@code
 * if (Tracing.enabled()) {
 *     Span span = Tracing.start("enqueue Jobs.x", SpanKind.PRODUCER, Context.current());
 *     Map<String, String> carrier = Tracing.inject(Context.current().with(span));
 * }
 * }</pre>
 */
public final class Tracing {

    /** The instrumentation scope of every span Coda makes. */
    public static final String SCOPE = "dev.coda";

    /** The tracer of the last global instance seen, with that instance: one value, so no reader pairs them wrongly. */
    private record Bound(OpenTelemetry openTelemetry, Tracer tracer) {
    }

    private static volatile Bound bound;

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private Tracing() {
    }

    /** Whether the application set a global OpenTelemetry (an SDK, or an agent's): only then does Coda make spans. */
    public static boolean enabled() {
        return GlobalOpenTelemetry.isSet();
    }

    /** The global instance's tracer for {@link #SCOPE}, made once for each instance set. */
    public static Tracer tracer() {
        var openTelemetry = GlobalOpenTelemetry.getOrNoop();
        var last = bound;
        if (last == null || last.openTelemetry() != openTelemetry) {
            last = new Bound(openTelemetry, openTelemetry.getTracer(SCOPE));
            bound = last;
        }
        return last.tracer();
    }

    /** Starts a span of {@code kind} under {@code parent}. */
    public static Span start(String name, SpanKind kind, Context parent) {
        return tracer().spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    }

    /** A started span, current on the thread that started it until {@link #end}. */
    public record Current(Span span, Scope scope) {

        /** Makes the previous context current again and ends the span, an error when {@code failure} is not {@code null}. */
        public void end(Throwable failure) {
            scope.close();
            Tracing.end(span, failure);
        }
    }

    /** Starts a span of {@code kind} under {@code parent} and makes it current on this thread. */
    public static Current startCurrent(String name, SpanKind kind, Context parent) {
        var span = start(name, kind, parent);
        return new Current(span, parent.with(span).makeCurrent());
    }

    /** Ends {@code span}, an error when {@code failure} is not {@code null}. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
    }

    /** {@code context} as the global propagators write it ({@code traceparent}, {@code tracestate}); empty without any. */
    public static Map<String, String> inject(Context context) {
        var carrier = new HashMap<String, String>(4);
        GlobalOpenTelemetry.getOrNoop().getPropagators().getTextMapPropagator().inject(context, carrier, Map::put);
        return carrier;
    }

    /** The context the global propagators read in {@code carrier}, on top of the root context. */
    public static Context extract(Map<String, String> carrier) {
        return extract(carrier, MAP);
    }

    /** The context the global propagators read in {@code carrier} (incoming request headers), on top of the root context. */
    public static <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return GlobalOpenTelemetry.getOrNoop().getPropagators().getTextMapPropagator().extract(Context.root(), carrier, getter);
    }
}
