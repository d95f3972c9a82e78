package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A queue that does not answer is skipped, for longer each time in a row, and served again once it answers. */
class SilentQueuesTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T19:00:00Z"));
    private final SilentQueues silent = new SilentQueues(clock);

    @Test
    void aQueueThatDidNotAnswerIsSkippedAMinuteThenTwoThenServedOnceItAnswers() {
        assertThat(silent.skipped("q")).isFalse();
        silent.unanswered("q");
        assertThat(silent.skipped("q")).isTrue();
        assertThat(silent.skipped("other")).as("only that queue").isFalse();
        clock.advance(Duration.ofMillis(59_999));
        assertThat(silent.skipped("q")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(silent.skipped("q")).as("tried again after a minute").isFalse();

        silent.unanswered("q");
        clock.advance(Duration.ofSeconds(119));
        assertThat(silent.skipped("q")).as("silent twice in a row: two minutes").isTrue();
        silent.answered("q");
        assertThat(silent.skipped("q")).isFalse();
        silent.unanswered("q");
        clock.advance(Duration.ofMinutes(1));
        assertThat(silent.skipped("q")).as("an answer in between starts over at a minute").isFalse();
    }
}
