package dev.coda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A file uploaded in a {@code multipart/form-data} body, FastAPI's {@code UploadFile}. Small files stay in memory;
 * past the app's memory threshold ({@link FormLimits}) the content is in a temporary file, deleted once the response is
 * sent <em>and</em> the request's background tasks have run, so a task may still read it.
 *
 * <pre>{@code
 * @Post("/uploadfile/")
 * public Map<String, Object> upload(UploadFile file, BackgroundTasks tasks) throws IOException {
 *     file.transferTo(Path.of("/srv/uploads", UUID.randomUUID().toString()));
 *     tasks.addTask(Thumbnails::make, file);          // the task may read file.open() too
 *     return Map.of("filename", file.filename(), "size", file.size());
 * }
 * }</pre>
 */
public interface UploadFile {

    /** The file name the client sent (may be empty; never trust it as a path). */
    String filename();

    /** The part's {@code Content-Type}, if it had one. */
    Optional<String> contentType();

    /** The content's length in bytes. */
    long size();

    /** Every value of one of the part's headers; names are case-insensitive. */
    List<String> headers(String name);

    /** The first value of one of the part's headers. */
    default Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** A new stream over the whole content, from its start; the caller closes it. */
    InputStream open() throws IOException;

    /** The whole content in memory: for small files. */
    default byte[] bytes() {
        try (var in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the content to {@code target}, replacing it, streaming (a large file is never held in memory). */
    default void transferTo(Path target) throws IOException {
        try (var in = open()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
