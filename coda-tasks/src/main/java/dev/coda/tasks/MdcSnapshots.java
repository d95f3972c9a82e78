package dev.coda.tasks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * The SLF4J MDC as a task captures it in {@code addTask}: an immutable snapshot of the adding thread's
 * MDC at that moment, {@link Map#of()} when it is empty.
 *
 * <p>With Logback (what Coda ships with), the snapshot is Logback's own: {@code LogbackMDCAdapter.getPropertyMap()}
 * returns an unmodifiable copy of the thread's MDC that Logback makes once and keeps until the MDC next
 * changes (every {@code put}, {@code remove}, {@code clear} or {@code setContextMap} replaces it; the copy
 * itself is never written to). Logback's logging events hold that same map as their MDC, possibly long after
 * the call, on other threads (async appenders): it is a snapshot by design. So the tasks a request adds
 * without changing the MDC in between share one snapshot, made at most once per change of the MDC, instead
 * of one copy per task; a task added after a change sees the new values, as before. With any other MDC
 * implementation, every capture is a copy ({@link MDC#getCopyOfContextMap()}).
 */
final class MdcSnapshots {

    private static final String LOGBACK_ADAPTER = "ch.qos.logback.classic.util.LogbackMDCAdapter";

    /** The adapter class whose snapshots are used as they are, or {@code null}. */
    private static final Class<?> SNAPSHOTTING;
    /** {@code (MDCAdapter) -> Map}: {@code LogbackMDCAdapter.getPropertyMap()}, or {@code null}. */
    private static final MethodHandle SNAPSHOT;

    static {
        Class<?> type = null;
        MethodHandle snapshot = null;
        try {
            var adapter = MDC.getMDCAdapter();
            if (adapter != null && adapter.getClass().getName().equals(LOGBACK_ADAPTER)) {
                snapshot = MethodHandles.publicLookup()
                        .findVirtual(adapter.getClass(), "getPropertyMap", MethodType.methodType(Map.class))
                        .asType(MethodType.methodType(Map.class, MDCAdapter.class));
                type = adapter.getClass();
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            type = null;
            snapshot = null;
        }
        SNAPSHOTTING = type;
        SNAPSHOT = snapshot;
    }

    private MdcSnapshots() {
    }

    /** The current thread's MDC, never to be modified by anyone: {@link Map#of()} when it is empty. */
    @SuppressWarnings("unchecked")
    static Map<String, String> capture() {
        Map<String, String> map;
        var adapter = MDC.getMDCAdapter();
        if (SNAPSHOTTING != null && adapter != null && adapter.getClass() == SNAPSHOTTING) {
            try {
                map = (Map<String, String>) SNAPSHOT.invokeExact(adapter);
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                map = MDC.getCopyOfContextMap();
            }
        } else {
            map = MDC.getCopyOfContextMap();
        }
        return map == null || map.isEmpty() ? Map.of() : map;
    }
}
