package dev.coda.tasks.internal;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the Linux scheduling priority ({@code nice} value) of a thread of this process, so that busy task threads
 * yield the CPU to the threads that serve requests: at nice 10 a thread weighs a tenth of a nice-0 thread
 * in the kernel's fair scheduler, and a request's thread that wakes up runs at once. Linux only (there
 * {@code setpriority(PRIO_PROCESS, 0, n)} applies to the calling thread alone; elsewhere it would change the
 * whole process), on JDK 22 or newer (the foreign function API, reached reflectively as Coda compiles for
 * JDK 21); otherwise it does nothing. Not part of Coda's API.
 *
 * <pre>{@code
 * long tid = Niceness.currentThreadId();     // on the thread to lower, once
 * Niceness.lower(tid, 10);                   // from any thread: true, that thread now runs ten nice steps lower
 * }</pre>
 */
public final class Niceness {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.tasks");

    private Niceness() {
    }

    /**
     * Adds {@code increment} to the calling thread's nice value (a thread may always lower its own priority).
     *
     * @return whether it was done
     */
    public static boolean lowerCurrentThread(int increment) {
        return lower(0, increment);
    }

    /**
     * Adds {@code increment} to the nice value of the thread with the kernel id {@code tid} ({@link #currentThreadId()}),
     * a thread of this process. Only downwards: an unprivileged process cannot raise a thread's priority again.
     *
     * @return whether it was done
     */
    public static boolean lower(long tid, int increment) {
        if (increment <= 0 || Setpriority.HANDLE == null || tid < 0) {
            return false;
        }
        try {
            int current = (int) Getpriority.HANDLE.invoke(0, (int) tid);      // PRIO_PROCESS: on Linux, one thread
            return (int) Setpriority.HANDLE.invoke(0, (int) tid, Math.min(19, current + increment)) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The calling thread's kernel id, for {@link #lower(long, int)}; -1 where {@link #available()} is false. */
    public static long currentThreadId() {
        if (Gettid.HANDLE == null) {
            return -1;
        }
        try {
            return (int) Gettid.HANDLE.invoke();
        } catch (Throwable e) {
            return -1;
        }
    }

    /** Whether {@link #lowerCurrentThread} can work here. */
    public static boolean available() {
        return Setpriority.HANDLE != null && Gettid.HANDLE != null;
    }

    private static final class Setpriority {
        static final MethodHandle HANDLE = downcall("setpriority", 3);
    }

    private static final class Getpriority {
        static final MethodHandle HANDLE = Setpriority.HANDLE == null ? null : downcall("getpriority", 2);
    }

    private static final class Gettid {
        static final MethodHandle HANDLE = Setpriority.HANDLE == null ? null : downcall("gettid", 0);
    }

    /** {@code int name(int, ...)} from the C library, through java.lang.foreign; null where that cannot be had. */
    private static MethodHandle downcall(String name, int intArguments) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") || Runtime.version().feature() < 22) {
            return null;
        }
        try {
            var linkerType = Class.forName("java.lang.foreign.Linker");
            var layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            var descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            var segmentType = Class.forName("java.lang.foreign.MemorySegment");
            var optionType = Class.forName("java.lang.foreign.Linker$Option");
            var javaInt = Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_INT").get(null);
            var linker = linkerType.getMethod("nativeLinker").invoke(null);
            var lookup = linkerType.getMethod("defaultLookup").invoke(linker);
            var symbol = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class)
                    .invoke(lookup, name);
            if (symbol.isEmpty()) {
                return null;
            }
            var arguments = Array.newInstance(layoutType, intArguments);
            for (int i = 0; i < intArguments; i++) {
                Array.set(arguments, i, javaInt);
            }
            var descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass()).invoke(null, javaInt, arguments);
            var noOptions = Array.newInstance(optionType, 0);
            return (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, noOptions.getClass())
                    .invoke(linker, symbol.get(), descriptor, noOptions);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // e.g. native access denied (--enable-native-access not given where the JDK requires it)
            LOG.info("Task threads run at the priority of request threads: {} is not available ({})", name, e.toString());
            return null;
        }
    }
}
