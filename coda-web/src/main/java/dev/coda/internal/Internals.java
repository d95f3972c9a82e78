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

/** Gives Coda's own packages (the test client) the compiled parts of a {@link Coda} app. */
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

    public static void setAccess(Function<Coda, Runtime> accessor) {
        access = accessor;
    }

    public static Runtime runtime(Coda app) {
        return access.apply(app);
    }

    public static void setResponseTasks(Function<Response, List<Consumer<BackgroundTasks>>> accessor) {
        responseTasks = accessor;
    }

    public static void setResponseStreams(Function<Response, StreamBody> accessor) {
        responseStreams = accessor;
    }

    public static void setResponseFiles(Function<Response, FileBody> accessor) {
        responseFiles = accessor;
    }

    public static void setFileResponses(Function<FileBody, Response> factory) {
        fileResponses = factory;
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
}
