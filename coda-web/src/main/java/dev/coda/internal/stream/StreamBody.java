package dev.coda.internal.stream;

/**
 * A response body produced while it is sent: written to a {@link StreamOutput} on the request's thread, flushed as
 * it goes. Exactly one of {@link #writeTo} and {@link #discard} is called.
 */
public interface StreamBody {

    /** Produces the body; an exception aborts the response (or, before anything was sent, makes it a 500). */
    void writeTo(StreamOutput out) throws Exception;

    /** Releases what the body holds (a stream, an input) when it will not be written: a HEAD request, a 503. */
    void discard();
}
