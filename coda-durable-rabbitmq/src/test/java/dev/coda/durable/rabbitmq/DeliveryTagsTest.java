package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.rabbitmq.DeliveryTags.Acks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A multiple ack never covers a tag still out or not seen yet; everything else goes out as few acks as it can. */
class DeliveryTagsTest {

    private final DeliveryTags tags = new DeliveryTags();

    @Test
    void settledTagsBelowEveryTagStillOutGoAsOneMultipleAck() {
        for (long tag = 1; tag <= 5; tag++) {
            tags.seen(tag);
        }
        assertThat(tags.settle(List.of(1L, 2L, 4L))).as("3 is still out").isEqualTo(new Acks(2, List.of(4L)));
        assertThat(tags.settle(List.of(5L, 3L))).as("nothing out below them, in any order").isEqualTo(new Acks(5, List.of()));
    }

    @Test
    void aTagNotSeenYetIsNeverCoveredByAMultipleAck() {
        tags.seen(1);
        tags.seen(3); // 2 was delivered on the other thread and is not noted yet
        assertThat(tags.settle(List.of(1L, 3L))).isEqualTo(new Acks(1, List.of(3L)));
        tags.seen(2);
        tags.seen(4);
        assertThat(tags.settle(List.of(2L, 4L))).as("joined up").isEqualTo(new Acks(4, List.of()));
    }

    @Test
    void aRejectedTagNoLongerHoldsBackTheAcksAboveIt() {
        tags.seen(1);
        tags.seen(2);
        tags.rejected(1);
        assertThat(tags.settle(List.of(2L))).isEqualTo(new Acks(2, List.of()));
    }

    @Test
    void onARecoveredChannelAcksGoOneByOneUntilItsTagsJoinUpWithThoseSeen() {
        tags.seen(1);
        tags.seen(3);
        tags.reset(true); // the broker requeued 1 and 3; the recovered channel's tags go on after the last it received
        tags.seen(5);
        assertThat(tags.settle(List.of(5L))).as("4 may still arrive").isEqualTo(new Acks(-1, List.of(5L)));
        tags.seen(4);
        tags.seen(6);
        assertThat(tags.settle(List.of(4L, 6L))).isEqualTo(new Acks(6, List.of()));
    }

    @Test
    void aNewChannelStartsAgainAtTagOne() {
        tags.seen(1);
        tags.seen(2);
        tags.reset(false);
        tags.seen(1);
        assertThat(tags.settle(List.of(1L))).isEqualTo(new Acks(1, List.of()));
    }
}
