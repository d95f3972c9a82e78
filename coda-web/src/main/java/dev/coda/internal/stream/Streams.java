package dev.coda.internal.stream;

import dev.coda.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.stream.Stream;

/** The kinds of streamed bodies behind {@code Response.stream(...)} and {@code Response.jsonLines(...)}. */
public final class Streams {

    private static final int READ_SIZE = 8192;
    private static final byte NEWLINE = '\n';

    private Streams() {
    }

    /** A body the path operation's callback writes and flushes itself. */
    public static StreamBody writer(Response.BodyWriter writer) {
        return new StreamBody() {
            @Override
            public void writeTo(StreamOutput out) throws Exception {
                writer.write(out);
            }

            @Override
            public void discard() {
            }
        };
    }

    /** A body copied from {@code in}, each read flushed; {@code in} closed in every case. */
    public static StreamBody input(InputStream in) {
        return new StreamBody() {
            @Override
            public void writeTo(StreamOutput out) throws Exception {
                try (in) {
                    var buffer = new byte[READ_SIZE];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            }

            @Override
            public void discard() {
                close(in);
            }
        };
    }

    /**
     * A body of chunks ({@code byte[]}, or text sent in UTF-8), each flushed; {@code resource} (the stream behind
     * the iterator, if any) closed in every case.
     */
    public static StreamBody chunks(Iterator<?> chunks, AutoCloseable resource) {
        return new StreamBody() {
            @Override
            public void writeTo(StreamOutput out) throws Exception {
                try (var ignored = closing(resource)) {
                    while (chunks.hasNext()) {
                        out.write(bytesOf(chunks.next()));
                        out.flush();
                    }
                }
            }

            @Override
            public void discard() {
                close(resource);
            }
        };
    }

    /** JSON Lines: each value as one line of JSON written with the app's mapper, flushed; {@code values} closed. */
    public static StreamBody jsonLines(Stream<?> values) {
        return new StreamBody() {
            @Override
            public void writeTo(StreamOutput out) throws Exception {
                try (values) {
                    var mapper = out.mapper();
                    for (var it = values.iterator(); it.hasNext(); ) {
                        out.write(mapper.writeValueAsBytes(it.next()));
                        out.write(NEWLINE);
                        out.flush();
                    }
                }
            }

            @Override
            public void discard() {
                values.close();
            }
        };
    }

    private static byte[] bytesOf(Object chunk) {
        return switch (chunk) {
            case byte[] bytes -> bytes;
            case CharSequence text -> text.toString().getBytes(StandardCharsets.UTF_8);
            case null -> throw new IllegalArgumentException("a null chunk in a streamed response");
            default -> throw new IllegalArgumentException("a chunk of a streamed response is byte[] or text, not "
                    + chunk.getClass().getName() + " (use Response.jsonLines for values)");
        };
    }

    /** {@code resource} as an AutoCloseable for try-with-resources, or a no-op for {@code null}. */
    static AutoCloseable closing(AutoCloseable resource) {
        return resource == null ? () -> { } : resource;
    }

    /** Closes {@code resource}; a failure to close something never read is of no consequence to anyone. */
    static void close(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // nothing was read from it, nothing is lost
        }
    }
}
