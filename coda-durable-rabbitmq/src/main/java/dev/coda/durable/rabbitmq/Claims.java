package dev.coda.durable.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ChannelContinuationTimeoutException;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.spi.TaskStore;
import dev.coda.durable.spi.TaskStore.Start;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * Claims: takes messages from the task queues (manual acknowledgement, highest priority then oldest: {@code basic.get}
 * on a quiet queue, a consumer's buffer ordered the same way on a busy one), lets the store decide in one transaction
 * a claim whether each starts an attempt ({@link TaskStore#start(List, String, Duration)}),
 * and holds each started task's message unacknowledged until its outcome is recorded. So the broker redelivers the
 * messages of a worker whose channel or connection is lost, and the store's lease keeps one run at a time: a
 * redelivered message whose task another worker still holds waits here until that lease ends, then recovers it.
 *
 * <p>The held messages of this engine are also how a lease that ended in this process (a hung or dead worker thread)
 * is taken over: a claim first offers the held messages whose lease passed to the store again.
 *
 * <p>Past 400 lines because the held messages, the consumer buffers and the channel they belong to change together
 * under one lock; the channel's delivery tags (for {@code multiple=true} acks) are {@link DeliveryTags}.
 *
 * <pre>{@code
 * var claimed = claims.claim("worker-1", List.of("default"), 10, Duration.ofSeconds(30));
 * claims.complete("worker-1", List.of(new Completion.Succeeded(claimed.get(0).id(), null)));   // recorded, then acked
 * }</pre>
 */
final class Claims {

    /**
     * A message held unacknowledged: its delivery, the worker running its task ({@code null}: waiting for another's
     * lease to end) and until when this engine believes the lease runs.
     */
    private record Held(long tag, long epoch, String id, String queue, int priority, String worker, Instant leaseUntil) {

        Held with(String newWorker, Instant until) {
            return new Held(tag, epoch, id, queue, priority, newWorker, until);
        }
    }

    private final DeliveryTags tags = new DeliveryTags();

    private final Connection connection;
    private final Topology topology;
    private final Publisher publisher;
    private final TaskStore store;
    private final ConfirmedMarks marks;
    private final InstantSource clock;
    /**
     * A claim that took this many messages with {@code basic.get} (or as many as it wanted, if fewer) found a busy
     * queue: it consumes the queue from then on, the rest of a large claim included.
     */
    static final int BUSY = 8;
    /**
     * The concurrency of each worker registered with this engine: the prefetch of the consumers its claims start (the
     * unacknowledged messages one consumer may have: buffered, running or waiting; {@code basic.get} adds more).
     */
    private final Map<String, Integer> concurrency = new ConcurrentHashMap<>();
    /** When a channel left behind by an unanswered call is closed: after the broker gave up on that call (a minute). */
    private static final Duration ABANDONED_CLOSE = Duration.ofSeconds(75);
    private static final Comparator<Held> ORDER = Comparator.comparingInt(Held::priority).reversed()
            .thenComparingLong(Held::tag);

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Messages delivered to this engine's consumers ahead of claims, by queue, highest priority then oldest first. */
    private final Map<String, PriorityBlockingQueue<Held>> buffers = new ConcurrentHashMap<>();
    /** The consumers of the busy queues this engine consumes: their tags, and when their cancellation was handled. */
    private record Consuming(String tag, CountDownLatch cancelled) {
    }

    private final Map<String, Consuming> consumers = new ConcurrentHashMap<>();
    /** When a broker queue of a higher priority level was last found empty (millis of the clock). */
    private final Map<String, Long> emptyAt = new ConcurrentHashMap<>();
    private final SilentQueues silent;
    private final Runnable delivered;
    private final Object lock = new Object();
    private Channel channel;
    /** The channel's generation: delivery tags of an earlier one (before a recovery) must not be acknowledged. */
    private volatile long epoch;

    Claims(Connection connection, Topology topology, Publisher publisher, TaskStore store, ConfirmedMarks marks,
            InstantSource clock, Runnable delivered) {
        this.delivered = delivered;
        this.connection = connection;
        this.topology = topology;
        this.publisher = publisher;
        this.store = store;
        this.marks = marks;
        this.clock = clock;
        this.silent = new SilentQueues(clock);
        publisher.listen(this::published);
    }

    List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease)
            throws IOException, TimeoutException, InterruptedException {
        var out = new ArrayList<ClaimedTask>();
        var now = clock.instant();
        var stale = new ArrayList<Held>();
        for (var h : held.values()) {
            if (stale.size() < max && queues.contains(h.queue()) && h.leaseUntil().isBefore(now)) {
                stale.add(h);
            }
        }
        decideAll(stale, false, workerId, lease, out);
        try {
            for (var queue : queues) {
                topology.ensureQueue(queue);
                var sources = topology.sources(queue); // quorum: one broker queue a priority level, highest first
                for (int i = 0; i < sources.size() && out.size() < max; i++) {
                    var source = sources.get(i);
                    boolean lowest = i == sources.size() - 1;
                    if (!lowest && !consumers.containsKey(source) && !hasBuffered(source) && foundEmptyLately(source)) {
                        continue; // an idle higher level costs a basic.get a poll, not one a claim
                    }
                    if (silent.skipped(source)) {
                        continue;
                    }
                    claimFrom(source, queue, workerId, max, lease, out);
                }
            }
        } catch (IOException | ShutdownSignalException e) {
            if (out.isEmpty()) {
                throw e;
            }
            // the tasks started so far are the worker's in the store: run them (rather than leave them to their leases)
        }
        return out;
    }

    /** Claims from one broker queue of {@code queue}: its consumer's buffer first, then {@code basic.get}. */
    private void claimFrom(String source, String queue, String workerId, int max, Duration lease, List<ClaimedTask> out)
            throws IOException, TimeoutException, InterruptedException {
        boolean empty = false;
        int got = 0;
        int before = out.size();
        while (!empty && out.size() < max) {
            var fetched = new ArrayList<Held>();
            buffered(source, max - out.size(), fetched);
            // a consumed queue's deliveries are in the buffer; basic.get (on a quorum queue a Raft command each) only
            // when the buffer is dry: the prefetch window is full, or the queue is empty
            boolean consuming = consumers.containsKey(source);
            while (fetched.size() < max - out.size() && !(consuming && !fetched.isEmpty())) {
                var next = get(source, queue);
                if (next == null) {
                    empty = true;
                    break;
                }
                if (held.containsKey(next.id())) {
                    ack(next); // a duplicate of a message held here: the held one stands for the task
                } else {
                    fetched.add(next);
                    got++;
                }
                if (!consuming && max > 1 && got == Math.min(max, BUSY)) {
                    // a backlog: the rest comes from a consumer, not a Raft round trip a message (the prefetch: the
                    // worker's concurrency as it registered, else this claim's size)
                    consume(source, queue, concurrency.getOrDefault(workerId, max));
                    consuming = true;
                }
            }
            decideAll(fetched, true, workerId, lease, out);
            if (consuming && !fetched.isEmpty() && got == 0) {
                break; // the buffer served this claim; the next one takes what the consumer delivers meanwhile
            }
        }
        if (empty && stopConsuming(source) && out.size() < max) {
            // deliveries in flight to the consumer when basic.get found the queue empty are in the buffer now
            var fetched = new ArrayList<Held>();
            buffered(source, max - out.size(), fetched);
            decideAll(fetched, true, workerId, lease, out);
        }
        if (empty && out.size() == before) {
            emptyAt.put(source, clock.millis());
        } else {
            emptyAt.remove(source);
        }
    }

    private boolean hasBuffered(String source) {
        var buffer = buffers.get(source);
        return buffer != null && !buffer.isEmpty();
    }

    private boolean foundEmptyLately(String source) {
        var at = emptyAt.get(source);
        return at != null && clock.millis() - at < Doorbell.POLL.toMillis();
    }

    /** This engine published to {@code source}: ask it at the next claim even if it was found empty lately. */
    void published(String source) {
        emptyAt.remove(source);
    }

    /** Takes up to {@code max} buffered deliveries of {@code source}, highest priority then oldest, skipping duplicates. */
    private void buffered(String source, int max, List<Held> into) throws IOException {
        var buffer = buffers.get(source);
        while (buffer != null && into.size() < max) {
            var next = buffer.poll();
            if (next == null) {
                return;
            }
            if (held.containsKey(next.id())) {
                ack(next); // a duplicate of a message held here: the held one stands for the task
            } else {
                into.add(next);
            }
        }
    }

    /** A worker registered (or left, {@code tasks} 0): its concurrency is the prefetch of the consumers it starts. */
    void registered(String workerId, int tasks) {
        if (tasks > 0) {
            concurrency.put(workerId, tasks);
        } else {
            concurrency.remove(workerId);
        }
    }

    /**
     * Starts a consumer on a busy queue, at most {@code prefetch} unacknowledged messages: its deliveries wait in a buffer
     * instead of one {@code basic.get} each.
     */
    private void consume(String source, String queue, int prefetch) throws IOException {
        synchronized (lock) {
            if (consumers.containsKey(source)) {
                return;
            }
            var buffer = buffers.computeIfAbsent(source, q -> new PriorityBlockingQueue<>(64, ORDER));
            var ch = channel();
            ch.basicQos(prefetch, false); // for the consumers started from now on, this one
            var cancelled = new CountDownLatch(1);
            var tag = ch.basicConsume(source, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                    buffer.add(held(envelope.getDeliveryTag(), props, body, queue));
                    delivered.run();
                }

                @Override
                public void handleCancelOk(String consumerTag) {
                    cancelled.countDown(); // dispatched after every delivery before it: the buffer is complete
                }
            });
            consumers.put(source, new Consuming(tag, cancelled));
        }
    }

    /**
     * Stops every consumer and returns the buffered, unclaimed deliveries to their queues (a worker stopping here: other
     * processes get them at once rather than when this engine closes).
     */
    void returnBuffered() throws IOException {
        synchronized (lock) {
            for (var queue : List.copyOf(consumers.keySet())) {
                stopConsuming(queue);
            }
            for (var buffer : buffers.values()) {
                for (var h = buffer.poll(); h != null; h = buffer.poll()) {
                    forget(h, false);
                }
            }
        }
    }

    /**
     * Stops consuming a queue found empty, once every delivery to its consumer is in the buffer (they stay for the next
     * claims); whether it was consumed.
     */
    private boolean stopConsuming(String source) throws IOException {
        synchronized (lock) {
            var consuming = consumers.remove(source);
            if (consuming != null && channel != null && channel.isOpen()) {
                channel.basicCancel(consuming.tag());
                try {
                    consuming.cancelled().await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return consuming != null;
        }
    }

    /** Asks the store about a batch of messages in one transaction, then acts on each answer. */
    private void decideAll(List<Held> batch, boolean fresh, String workerId, Duration lease, List<ClaimedTask> out)
            throws IOException, TimeoutException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        var starts = store.start(batch.stream().map(Held::id).toList(), workerId, lease);
        for (int i = 0; i < batch.size(); i++) {
            decide(batch.get(i), fresh, starts.get(i), workerId, lease, out);
        }
    }

    /** Acts on the store's answer for a message: {@code fresh} from the broker, or one held here already. */
    private void decide(Held h, boolean fresh, Start start, String workerId, Duration lease, List<ClaimedTask> out)
            throws IOException, TimeoutException, InterruptedException {
        switch (start) {
            case Start.Started started -> {
                held.put(h.id(), h.with(workerId, clock.instant().plus(lease)));
                out.add(started.task());
            }
            case Start.Busy busy -> {
                var waiting = h.with(h.worker(), busy.leaseUntil() == null ? clock.instant().plusSeconds(1) : busy.leaseUntil());
                if (fresh && held.putIfAbsent(h.id(), waiting) != null) {
                    ack(h); // another claim holds a message of this task meanwhile: this one is a duplicate
                } else if (!fresh) {
                    held.replace(h.id(), h, waiting); // unless another claim started it meanwhile
                }
            }
            case Start.NotDue notDue -> {
                held.remove(h.id(), h); // first: the new message, if a claimer gets it at once, is no duplicate of this one
                publisher.publish(List.of(new Message(h.id(), notDue.queue(), notDue.priority(), notDue.runAt())));
                forget(h, true);
            }
            case Start.Gone gone -> forget(h, true);
        }
    }

    /** Extends the held leases of the tasks the store extended. */
    void extended(String workerId, Collection<String> ids, Duration lease) {
        var until = clock.instant().plus(lease);
        for (var id : ids) {
            held.computeIfPresent(id, (key, h) -> workerId.equals(h.worker()) ? h.with(workerId, until) : h);
        }
    }

    /**
     * Records completions in the store, then acknowledges the messages of {@code workerId}'s tasks: a recorded retry is
     * published (delayed) first, a recorded failure goes to the failed queue; a task whose lease {@code workerId} lost
     * elsewhere has its message acknowledged too (the other holder has another message). A crash before the retry's
     * message is confirmed leaves the original unacknowledged (redelivered: not due yet, so delayed again) and the
     * store's dispatch mark (the sweeper's).
     */
    void complete(String workerId, List<Completion> completions) throws IOException, TimeoutException, InterruptedException {
        var recorded = store.complete(workerId, completions);
        var retries = new ArrayList<Message>();
        var failed = new ArrayList<String>();
        var done = new ArrayList<Held>();
        for (var completion : completions) {
            var h = held.get(completion.id());
            boolean ours = h != null && (workerId.equals(h.worker()) || h.worker() == null && recorded.contains(h.id()));
            if (!ours) {
                continue;
            }
            if (recorded.contains(h.id())) {
                switch (completion) {
                    case Completion.Retry r -> retries.add(new Message(h.id(), h.queue(), h.priority(), r.retryAt()));
                    case Completion.Failed f -> failed.add(h.id());
                    case Completion.Succeeded s -> {
                    }
                }
            }
            done.add(h);
            held.remove(h.id(), h); // before the retry is published: a claimer getting it at once must not take it for a duplicate
        }
        try {
            publisher.publish(retries);
            marks.confirmed(retries.stream().map(Message::id).toList());
            publisher.failed(failed);
        } finally {
            acknowledge(done); // outcomes are recorded; a retry the broker did not confirm keeps its mark for the sweeper
        }
    }

    /** Gives tasks back: released in the store, their messages returned to the queue (not acknowledged). */
    void release(String workerId, Collection<String> ids) throws IOException {
        var released = store.release(workerId, ids);
        for (var id : ids) {
            var h = held.get(id);
            if (h != null && workerId.equals(h.worker())) {
                forget(h, !released.contains(id));
            }
        }
    }

    /** Forgets a held message: acknowledged (done with) or returned to its queue. */
    private void forget(Held h, boolean ack) throws IOException {
        if (ack) {
            acknowledge(List.of(h));
            return;
        }
        held.remove(h.id(), h);
        synchronized (lock) {
            if (h.epoch() != epoch || channel == null || !channel.isOpen()) {
                return; // the broker already returned it to the queue with the old channel
            }
            channel.basicReject(h.tag(), true);
            tags.rejected(h.tag());
        }
    }

    private void ack(Held h) throws IOException {
        forget(h, true);
    }

    /**
     * Acknowledges messages done with, in as few frames as it can: one {@code multiple=true} ack for those below every
     * tag still unacknowledged (and every tag seen so far), one ack each for the others.
     */
    private void acknowledge(List<Held> done) throws IOException {
        if (done.isEmpty()) {
            return;
        }
        for (var h : done) {
            held.remove(h.id(), h);
        }
        synchronized (lock) {
            if (channel == null || !channel.isOpen()) {
                return; // the broker already returned them to the queue with the old channel
            }
            var settled = new ArrayList<Long>(done.size());
            for (var h : done) {
                if (h.epoch() == epoch) {
                    settled.add(h.tag());
                }
            }
            var acks = tags.settle(settled);
            if (acks.multipleUpTo() >= 0) {
                channel.basicAck(acks.multipleUpTo(), true);
            }
            for (var tag : acks.single()) {
                channel.basicAck(tag, false);
            }
        }
    }

    private Held get(String source, String queue) throws IOException {
        synchronized (lock) {
            GetResponse response;
            try {
                response = channel().basicGet(source, false);
            } catch (ChannelContinuationTimeoutException e) {
                silent.unanswered(source);
                // the broker's side of this channel waits for that queue (up to a minute), and a late answer must not
                // meet the next call: the next call gets a new channel; this one is closed once the broker gave up (closing
                // it at once held up the connection: calls to other queues timed out too)
                var old = channel;
                channel = null;
                CompletableFuture.delayedExecutor(ABANDONED_CLOSE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                    try {
                        old.abort();
                    } catch (IOException | RuntimeException alreadyClosed) {
                        // nothing to close
                    }
                });
                throw e;
            }
            silent.answered(source);
            if (response == null) {
                return null;
            }
            return held(response.getEnvelope().getDeliveryTag(), response.getProps(), response.getBody(), queue);
        }
    }

    private Held held(long tag, AMQP.BasicProperties props, byte[] body, String queue) {
        tags.seen(tag);
        int priority = props.getPriority() == null ? 0 : props.getPriority();
        return new Held(tag, epoch, new String(body, StandardCharsets.UTF_8), queue, priority, null, clock.instant());
    }

    private Channel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = connection.createChannel();
            epoch++;
            tags.reset(false);
            held.clear();
            buffers.values().forEach(PriorityBlockingQueue::clear);
            consumers.clear();
            if (channel instanceof Recoverable recoverable) {
                recoverable.addRecoveryListener(new RecoveryListener() {
                    @Override
                    public void handleRecovery(Recoverable recovered) {
                        synchronized (lock) {
                            epoch++; // the broker requeued every unacknowledged message of the lost channel
                            tags.reset(true);
                            held.clear();
                            buffers.values().forEach(PriorityBlockingQueue::clear);
                        }
                    }

                    @Override
                    public void handleRecoveryStarted(Recoverable recovering) {
                    }
                });
            }
        }
        return channel;
    }
}
