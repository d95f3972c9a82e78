package dev.coda.internal.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;

/**
 * Where a {@link StreamBody} writes: an output stream whose {@code flush()} sends what was written to the client
 * (the headers first), blocking while the client is slow; a write after the client has gone throws.
 */
public abstract class StreamOutput extends OutputStream {

    /** Whether the client is still there, as far as the server knows. */
    public abstract boolean isOpen();

    /** The app's JSON mapper. */
    public abstract ObjectMapper mapper();

    /**
     * From now until the body ends, sends {@code ping} whenever nothing has been written for the app's keep-alive
     * interval, from a shared scheduler (no thread per stream).
     */
    public abstract void keepAlive(byte[] ping);

    /** Marks the end of the body's own writing: nothing is written any more, the keep-alive stops. */
    public abstract void ended();
}
