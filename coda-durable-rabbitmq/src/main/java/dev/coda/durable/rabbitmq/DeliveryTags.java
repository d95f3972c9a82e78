package dev.coda.durable.rabbitmq;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The delivery tags of one channel: which are unacknowledged, and up to which every tag was seen, so that a batch of
 * acknowledgements goes out as one {@code multiple=true} ack for the tags it may cover and one ack each for the rest.
 * A multiple ack covers every lower tag, so it must stay below the lowest tag still out and below any tag not seen yet
 * (tags come 1, 2, 3... on a channel, but reach the engine on two threads: {@code basic.get} replies and deliveries).
 *
 * <pre>{@code
 * tags.seen(1); tags.seen(2); tags.seen(3);
 * tags.settle(List.of(1L, 3L));   // Acks[multipleUpTo=1, single=[3]]: tag 2 is still out
 * }</pre>
 */
final class DeliveryTags {

    /** How to acknowledge settled tags: one multiple ack up to {@code multipleUpTo} (none if -1), then each of {@code single}. */
    record Acks(long multipleUpTo, List<Long> single) {
    }

    private final TreeSet<Long> unacked = new TreeSet<>();
    private final TreeSet<Long> seenAhead = new TreeSet<>();
    private long seenUpTo;

    /** A tag was delivered: unacknowledged, and seen. */
    synchronized void seen(long tag) {
        unacked.add(tag);
        if (tag == seenUpTo + 1) {
            seenUpTo = tag;
            while (!seenAhead.isEmpty() && seenAhead.first() == seenUpTo + 1) {
                seenUpTo = seenAhead.pollFirst();
            }
        } else {
            seenAhead.add(tag);
        }
    }

    /** A tag was rejected (returned to its queue): no longer out. */
    synchronized void rejected(long tag) {
        unacked.remove(tag);
    }

    /** Settles {@code settled} and says how to acknowledge them. */
    synchronized Acks settle(List<Long> settled) {
        var tags = settled.stream().sorted().toList();
        tags.forEach(unacked::remove);
        long bound = Math.min(unacked.isEmpty() ? Long.MAX_VALUE : unacked.first() - 1, seenUpTo);
        long upTo = -1;
        var single = new ArrayList<Long>();
        for (var tag : tags) {
            if (tag <= bound) {
                upTo = tag;
            } else {
                single.add(tag);
            }
        }
        return new Acks(upTo, single);
    }

    /**
     * A new channel, or a recovered one whose tags continue past the old ones: nothing is unacknowledged on it. On a
     * recovered channel acks go one by one until its tags join up with those seen here (safe).
     */
    synchronized void reset(boolean recovered) {
        unacked.clear();
        if (recovered) {
            if (!seenAhead.isEmpty()) {
                seenUpTo = Math.max(seenUpTo, seenAhead.last());
            }
        } else {
            seenUpTo = 0;
        }
        seenAhead.clear();
    }
}
