package dev.coda.internal.stream;

import dev.coda.EventSink;
import dev.coda.Response;
import dev.coda.ServerSentEvent;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A {@code text/event-stream} body: the headers go at once (the client's {@code EventSource} opens), then each event
 * as it is sent, with a keep-alive comment whenever the stream has been silent for the app's interval.
 */
public final class EventStream implements StreamBody {

    private final Response.EventProducer producer;
    private final AutoCloseable resource;

    private EventStream(Response.EventProducer producer, AutoCloseable resource) {
        this.producer = producer;
        this.resource = resource;
    }

    /** Events from a producer callback. */
    public static EventStream of(Response.EventProducer producer) {
        return new EventStream(producer, null);
    }

    /** Events from a stream: {@link ServerSentEvent}s as they are, other values as JSON data; the stream closed. */
    public static EventStream of(Stream<?> events) {
        Iterator<?> it = events.iterator();
        return new EventStream(sink -> {
            while (it.hasNext()) {
                var next = it.next();
                sink.send(next instanceof ServerSentEvent event ? event : ServerSentEvent.data(next));
            }
        }, events);
    }

    @Override
    public void writeTo(StreamOutput out) throws Exception {
        try (var ignored = Streams.closing(resource)) {
            var sink = new Sink(out);
            out.flush();
            out.keepAlive(SseFormat.PING);
            producer.produce(sink);
        }
    }

    @Override
    public void discard() {
        Streams.close(resource);
    }

    /** Formats and writes one event at a time, whichever thread sends it. */
    private static final class Sink implements EventSink {
        private final StreamOutput out;
        private final ReentrantLock lock = new ReentrantLock();

        Sink(StreamOutput out) {
            this.out = out;
        }

        @Override
        public void send(ServerSentEvent event) throws IOException {
            var bytes = SseFormat.format(event, out.mapper());
            lock.lock();
            try {
                out.write(bytes);
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }
    }
}
