package dev.coda;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an app's OpenAPI document to a file without starting it: for a build that generates clients or checks
 * the document in. The app is named by a static method without parameters that returns the app (a {@link Coda}
 * or a {@link Coda.Builder}).
 *
 * <pre>{@code
 * java -cp <the app's class path> dev.coda.OpenApiExport com.example.Main#app target/openapi.json
 * }</pre>
 *
 * In Maven, with {@code exec-maven-plugin}'s {@code exec} goal (its {@code java} goal runs in Maven's own JVM, which
 * may be older than the app's): executable {@code java}, arguments {@code -classpath}, {@code <classpath/>},
 * {@code dev.coda.OpenApiExport}, {@code com.example.Main#app} and {@code ${project.build.directory}/openapi.json};
 * the {@code examples-client} module of this repository does it and generates a client from the result.
 */
public final class OpenApiExport {

    private OpenApiExport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !args[0].contains("#")) {
            System.err.println("usage: java dev.coda.OpenApiExport <class>#<static method returning the app> <file>");
            System.exit(2);
            return;
        }
        var file = Path.of(args[1]);
        write(app(args[0]), file);
        System.out.println("OpenAPI document of " + args[0] + " written to " + file.toAbsolutePath());
    }

    /** Writes {@code app}'s document to {@code file}, creating its folder. */
    public static void write(Coda app, Path file) throws IOException {
        var parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, app.openapi(), StandardCharsets.UTF_8);
    }

    /** The app {@code Class#method} returns. */
    static Coda app(String reference) {
        var className = reference.substring(0, reference.indexOf('#'));
        var methodName = reference.substring(reference.indexOf('#') + 1);
        try {
            var method = Class.forName(className, true, Thread.currentThread().getContextClassLoader()).getMethod(methodName);
            if (!Modifier.isStatic(method.getModifiers())) {
                throw new IllegalArgumentException(reference + " is not a static method");
            }
            return switch (method.invoke(null)) {
                case Coda coda -> coda;
                case Coda.Builder builder -> builder.build();
                case null, default -> throw new IllegalArgumentException(reference + " returns neither a Coda nor a Coda.Builder");
            };
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalArgumentException("no static method " + reference + " without parameters: " + e.getMessage(), e);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(reference + " is not public", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(reference + " failed: " + e.getCause(), e.getCause());
        }
    }
}
