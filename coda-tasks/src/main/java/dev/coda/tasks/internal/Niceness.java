package dev.coda.tasks.internal;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the Linux scheduling priority ({@code nice} value) of the calling thread, so that busy task threads
 * yield the CPU to the threads that serve requests: at nice 10 a thread weighs a tenth of a nice-0 thread
 * in the kernel's fair scheduler, and a request's thread that wakes up runs at once. Linux only (there
 * {@code setpriority(PRIO_PROCESS, 0, n)} applies to the calling thread alone; elsewhere it would change the
 * whole process), on JDK 22 or newer (the foreign function API, reached reflectively as Coda compiles for
 * JDK 21); otherwise it does nothing. Not part of Coda's API.
 *
 * <pre>{@code
 * Niceness.lowerCurrentThread(10);     // true: this thread now runs at nice 10
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
        if (increment <= 0 || Setpriority.HANDLE == null) {
            return false;
        }
        try {
            int current = (int) Getpriority.HANDLE.invoke(0, 0);      // PRIO_PROCESS, this thread
            return (int) Setpriority.HANDLE.invoke(0, 0, Math.min(19, current + increment)) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** Whether {@link #lowerCurrentThread} can work here. */
    public static boolean available() {
        return Setpriority.HANDLE != null;
    }

    private static final class Setpriority {
        static final MethodHandle HANDLE = downcall("setpriority", 3);
    }

    private static final class Getpriority {
        static final MethodHandle HANDLE = Setpriority.HANDLE == null ? null : downcall("getpriority", 2);
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
