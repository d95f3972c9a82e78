package dev.coda.internal.server;

import dev.coda.FormLimits;
import dev.coda.HttpException;
import dev.coda.UploadFile;
import dev.coda.internal.inject.FormData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * A {@code multipart/form-data} body read through Jetty's own parser, as it arrives: parts past the memory threshold
 * go to temporary files, so an upload of any size holds a bounded amount of heap. Its errors are FastAPI-shaped.
 */
final class MultipartForm {

    private MultipartForm() {
    }

    /**
     * Parses the request's body; the returned form owns the parts (closing it deletes their temporary files). A body that
     * falls behind the minimum rate ({@link Settings#bodyAllowanceNanos}) is a {@code 408}, as a JSON body's is.
     */
    static FormData parse(Request request, String contentType, Settings settings) {
        var limits = settings.forms();
        String boundary;
        try {
            boundary = MultiPart.extractBoundary(contentType);
        } catch (RuntimeException e) {
            boundary = null;
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new HttpException(400, "Missing boundary in multipart.");         // Starlette's words
        }
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > limits.maxRequestSize()) {
            throw new HttpException(413, "Content Too Large");
        }
        var parser = new MultiPartFormData.Parser(boundary);
        parser.setFilesDirectory(limits.tempDirectory());
        parser.setMaxMemoryFileSize(limits.memoryThreshold());
        // Jetty's one per-part limit covers fields too: the larger of the two, each then checked below
        parser.setMaxFileSize(limits.maxFileSize() < 0 ? -1 : Math.max(limits.maxFileSize(), limits.maxFieldSize()));
        parser.setMaxLength(limits.maxRequestSize());
        parser.setMaxParts(limits.maxParts());
        var body = new CountingSource(request);
        // NON_BLOCKING: the parser runs in the demand callback, on the I/O thread, no hand-off per chunk (performance.md, "Uploads")
        var parsing = parser.parse(body, org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
        var parts = awaitParts(parsing, body, settings);
        try {
            return form(parts, limits);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    /** Waits for the parser as long as the minimum rate allows for the bytes received so far; then a {@code 408}. */
    private static MultiPartFormData.Parts awaitParts(CompletableFuture<MultiPartFormData.Parts> parsing, CountingSource body,
                                                      Settings settings) {
        long firstRead = System.nanoTime();
        try {
            while (true) {
                long wait = settings.bodyAllowanceNanos(body.received()) - (System.nanoTime() - firstRead);
                if (wait <= 0) {
                    body.fail(new TimeoutException("below the minimum request body rate"));
                    // the parser deletes its temporary files on failure; parts finished meanwhile are closed here
                    parsing.thenAccept(MultiPartFormData.Parts::close);
                    throw new HttpException(408);
                }
                try {
                    return parsing.get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException stillComing) {
                    // loop: more bytes may have come, which extends the allowance
                }
            }
        } catch (ExecutionException e) {
            throw refusal(e.getCause(), settings.forms());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpException(400, "There was an error parsing the body");
        }
    }

    /** The request's body as the parser reads it, counting the bytes that have come. */
    private static final class CountingSource implements Content.Source {
        private final Content.Source request;
        private final AtomicLong received = new AtomicLong();

        CountingSource(Content.Source request) {
            this.request = request;
        }

        long received() {
            return received.get();
        }

        @Override
        public Content.Chunk read() {
            var chunk = request.read();
            if (chunk != null && chunk.hasRemaining()) {
                received.addAndGet(chunk.remaining());
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            request.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            request.fail(failure);
        }

        @Override
        public long getLength() {
            return request.getLength();
        }
    }

    private static FormData form(MultiPartFormData.Parts parts, FormLimits limits) {
        var entries = new ArrayList<Map.Entry<String, Object>>(parts.size());
        for (var part : parts) {
            var name = part.getName();
            if (name == null) {
                continue;                             // no Content-Disposition name: nothing can bind it
            }
            if (part.getFileName() != null) {
                if (limits.maxFileSize() >= 0 && part.getLength() > limits.maxFileSize()) {
                    throw new HttpException(413, "File exceeded maximum size of " + limits.maxFileSize() + " bytes.");
                }
                entries.add(Map.entry(name, new Upload(part)));
            } else {
                if (part.getLength() > limits.maxFieldSize()) {
                    throw fieldTooLarge(limits);
                }
                entries.add(Map.entry(name, part.getContentAsString(StandardCharsets.UTF_8)));
            }
        }
        return new FormData(List.copyOf(entries), parts);
    }

    /** What the parser's failure tells the client: a limit (413, or 400 for the part count), else a malformed body. */
    private static HttpException refusal(Throwable cause, FormLimits limits) {
        var message = String.valueOf(cause.getMessage());
        if (cause instanceof TimeoutException) {
            return new HttpException(408);
        }
        if (message.contains("too many")) {
            return new HttpException(400, "Too many parts. Maximum number of parts is " + limits.maxParts() + ".");
        }
        if (message.contains("max file size")) {
            return limits.maxFileSize() < 0 || limits.maxFieldSize() > limits.maxFileSize() ? fieldTooLarge(limits)
                    : new HttpException(413, "File exceeded maximum size of " + limits.maxFileSize() + " bytes.");
        }
        if (message.contains("max length") || message.contains("max size")) {
            return new HttpException(413, "Content Too Large");
        }
        return new HttpException(400, "There was an error parsing the body");     // FastAPI's answer to a body it cannot read
    }

    private static HttpException fieldTooLarge(FormLimits limits) {
        return new HttpException(413, "Part exceeded maximum size of " + limits.maxFieldSize() / 1024 + "KB.");  // Starlette's words
    }

    /** A file part seen as an {@link UploadFile}: in memory, or in the parser's temporary file. */
    private record Upload(MultiPart.Part part) implements UploadFile {

        @Override
        public String filename() {
            return part.getFileName();
        }

        @Override
        public Optional<String> contentType() {
            return Optional.ofNullable(part.getHeaders().get(HttpHeader.CONTENT_TYPE));
        }

        @Override
        public long size() {
            return part.getLength();
        }

        @Override
        public List<String> headers(String name) {
            return part.getHeaders().getValuesList(name);
        }

        @Override
        public InputStream open() throws IOException {
            return Content.Source.asInputStream(part.createContentSource());
        }

        @Override
        public String toString() {
            return "UploadFile(filename=" + filename() + ", size=" + size() + ")";
        }
    }
}
