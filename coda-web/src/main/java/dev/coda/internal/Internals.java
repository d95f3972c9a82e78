package dev.coda.internal;

import dev.coda.Coda;
import dev.coda.Response;
import dev.coda.tasks.BackgroundTasks;
import dev.coda.tasks.TaskRuntime;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import dev.coda.internal.server.AfterResponse;
import dev.coda.internal.server.Application;
import dev.coda.internal.server.Lifespan;
import dev.coda.internal.files.FileBody;
import dev.coda.internal.stream.StreamBody;
import java.util.function.Function;

/**
 * The bridge from the API classes' private state to Coda's internal packages, as the JDK's {@code SharedSecrets}: at
 * class initialization {@link Coda} and {@link Response} hand over an accessor each, so that the server and the test
 * client read a response's body or an app's compiled parts without a public getter. The package is not exported
 * ({@code module-info}), and each accessor is set once, by its owner: a second call throws, so nothing, tests
 * included, can replace one.
 */
public final class Internals {

    /** The compiled parts of an app. */
    public record Runtime(Application application, AfterResponse afterResponse, TaskRuntime tasks, Lifespan lifespan) {
    }

    private static volatile Function<Coda, Runtime> access;
    private static volatile Function<Response, List<Consumer<BackgroundTasks>>> responseTasks;
    private static volatile Function<Response, StreamBody> responseStreams;
    private static volatile Function<Response, FileBody> responseFiles;
    private static volatile Function<FileBody, Response> fileResponses;
    private static volatile RawResponses rawResponses;

    /** Makes a {@link Response} of parts already rendered: a body of bytes, a {@link StreamBody} or a {@link FileBody}. */
    @FunctionalInterface
    public interface RawResponses {
        Response of(int status, List<Map.Entry<String, String>> headers, Object body, String contentType);
    }

    private Internals() {
    }

    public static synchronized void setAccess(Function<Coda, Runtime> accessor) {
        access = once(access, accessor, "setAccess");
    }

    public static Runtime runtime(Coda app) {
        return access.apply(app);
    }

    public static synchronized void setResponseTasks(Function<Response, List<Consumer<BackgroundTasks>>> accessor) {
        responseTasks = once(responseTasks, accessor, "setResponseTasks");
    }

    public static synchronized void setResponseStreams(Function<Response, StreamBody> accessor) {
        responseStreams = once(responseStreams, accessor, "setResponseStreams");
    }

    public static synchronized void setResponseFiles(Function<Response, FileBody> accessor) {
        responseFiles = once(responseFiles, accessor, "setResponseFiles");
    }

    public static synchronized void setFileResponses(Function<FileBody, Response> factory) {
        fileResponses = once(fileResponses, factory, "setFileResponses");
    }

    /** A {@code 200} response that sends {@code file}, as {@code Response.file} makes them. */
    public static Response fileResponse(FileBody file) {
        if (fileResponses == null) {
            initialize(Response.class);        // its static initializer sets the factory
        }
        return fileResponses.apply(file);
    }

    public static void setRawResponses(RawResponses factory) {
        rawResponses = factory;
    }

    /** A response of parts already rendered (an outcome shown to a middleware); {@code body} is bytes, a stream or a file. */
    public static Response rawResponse(int status, List<Map.Entry<String, String>> headers, Object body, String contentType) {
        if (rawResponses == null) {
            initialize(Response.class);        // its static initializer sets the factory
        }
        return rawResponses.of(status, headers, body, contentType);
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file a file response sends, or {@code null} for another response. */
    public static FileBody fileOf(Response response) {
        return responseFiles.apply(response);
    }

    /** The body of a streamed response, or {@code null} for a buffered one. */
    public static StreamBody streamOf(Response response) {
        return responseStreams.apply(response);
    }

    /** The tasks attached to a response with {@code Response.withTask}. */
    public static List<Consumer<BackgroundTasks>> tasksOf(Response response) {
        return responseTasks.apply(response);
    }

    private static <T> T once(T current, T value, String what) {
        if (current != null) {
            throw new IllegalStateException(what + " was already called: the accessor is set once, by its owner class");
        }
        return java.util.Objects.requireNonNull(value, what);
    }
}
