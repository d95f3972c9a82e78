package dev.coda.internal.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.internal.stream.StreamOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A streamed body's way to Jetty's response: gathers up to 8 KB, sends at {@code flush()} with a blocking write (the
 * producing virtual thread waits while the client is slow: one buffer in flight, never more), and sends keep-alive
 * pings from Jetty's shared scheduler while the producer is silent. Once the client is found gone (a write failed,
 * Jetty failed the request), every write throws and a producer blocked elsewhere is interrupted.
 */
final class JettyStreamOutput extends StreamOutput {

    private static final int BUFFER_SIZE = 8192;

    private final Response response;
    private final ObjectMapper mapper;
    private final Scheduler scheduler;
    private final long keepAliveNanos;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int count;
    /** One write at a time: the producer's (blocking) or a ping (asynchronous, released by its callback). */
    private final Semaphore writing = new Semaphore(1);
    private volatile long lastWrite = System.nanoTime();
    private volatile Throwable gone;
    private volatile boolean ended;
    private byte[] ping;
    private Scheduler.Task pinger;
    /** Guards {@link #producer}, so that an interrupt never reaches the thread after the producer has returned. */
    private final ReentrantLock producerLock = new ReentrantLock();
    private Thread producer;

    JettyStreamOutput(Response response, ObjectMapper mapper, Scheduler scheduler, Duration keepAlive) {
        this.response = response;
        this.mapper = mapper;
        this.scheduler = scheduler;
        this.keepAliveNanos = Settings.nanos(keepAlive);
        this.producer = Thread.currentThread();
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            sendBuffer();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > buffer.length - count) {
            sendBuffer();
        }
        if (length >= buffer.length) {
            send(ByteBuffer.wrap(bytes, offset, length));   // a large write goes as it is, without a copy
        } else {
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
        }
    }

    /** Sends what is gathered, or the headers if nothing has been sent yet. */
    @Override
    public void flush() throws IOException {
        if (count > 0) {
            sendBuffer();
        } else if (!response.isCommitted()) {
            send(BufferUtil.EMPTY_BUFFER);
        }
    }

    private void sendBuffer() throws IOException {
        send(ByteBuffer.wrap(buffer, 0, count));
        count = 0;
    }

    private void send(ByteBuffer bytes) throws IOException {
        if (gone != null || ended) {
            throw new IOException("the client has gone: " + (gone != null ? gone : "the stream has ended"));
        }
        try {
            writing.acquire();
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted while a keep-alive ping was written");
        }
        try {
            Content.Sink.write(response, false, bytes);
            lastWrite = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            gone(e);
            throw e;
        } finally {
            writing.release();
        }
    }

    @Override
    public boolean isOpen() {
        return gone == null && !ended;
    }

    @Override
    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public void keepAlive(byte[] bytes) {
        this.ping = bytes;
        schedulePing(keepAliveNanos);
    }

    private synchronized void schedulePing(long delayNanos) {
        if (!ended && gone == null) {
            pinger = scheduler.schedule(this::pingIfSilent, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** On the scheduler: pings if nothing was written for the interval, never waiting for a write in progress. */
    private void pingIfSilent() {
        long silent = System.nanoTime() - lastWrite;
        if (silent < keepAliveNanos || !writing.tryAcquire()) {
            schedulePing(Math.max(1, keepAliveNanos - silent));   // a write is in progress, or was recent
            return;
        }
        if (ended || gone != null) {
            writing.release();
            return;
        }
        response.write(false, ByteBuffer.wrap(ping), Callback.from(() -> {
            lastWrite = System.nanoTime();
            writing.release();
            schedulePing(keepAliveNanos);
        }, failure -> {
            gone(failure);
            writing.release();
        }));
    }

    /** The client is gone (or Jetty failed the request): writes throw from now on, a blocked producer is interrupted. */
    void gone(Throwable failure) {
        if (gone == null) {
            gone = failure;
        }
        producerLock.lock();
        try {
            if (producer != null && producer != Thread.currentThread()) {
                producer.interrupt();
            }
        } finally {
            producerLock.unlock();
        }
    }

    /** Whether a write failed or Jetty failed the request: the client has gone. */
    boolean clientGone() {
        return gone != null;
    }

    @Override
    public void ended() {
        synchronized (this) {
            ended = true;
            if (pinger != null) {
                pinger.cancel();
            }
        }
        producerLock.lock();
        try {
            producer = null;
            Thread.interrupted();    // an interrupt meant for the producer must not reach Jetty's code on this thread
        } finally {
            producerLock.unlock();
        }
    }

    /** After {@link #ended}: the last write, gathered bytes and the end of the body, completing {@code callback}. */
    void finish(Callback callback) {
        writing.acquireUninterruptibly();          // a ping in flight finishes first
        response.write(true, count > 0 ? ByteBuffer.wrap(buffer, 0, count) : null, callback);
        count = 0;
    }

    /** Whether anything (the headers at least) has been sent. */
    boolean committed() {
        return response.isCommitted();
    }
}
