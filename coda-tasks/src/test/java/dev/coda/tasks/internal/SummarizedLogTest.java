package dev.coda.tasks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class SummarizedLogTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock implements InstantSource {
        private Instant now = Instant.parse("2026-12-03T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.summarized");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final SummarizedLog log = new SummarizedLog(logger, Level.WARN, Duration.ofSeconds(10), clock);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void theFirstOccurrenceIsLoggedAtOnceAndTheNextOnesOfTheIntervalAreOnlyCounted() {
        assertThat(log.record("refused {}", "r-1")).isTrue();
        for (int i = 2; i <= 50; i++) {
            clock.advance(Duration.ofMillis(100));
            assertThat(log.record("refused {}", "r-" + i)).isFalse();
        }

        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).isEqualTo("refused r-1");
            assertThat(line.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
        });
    }

    @Test
    void afterTheIntervalTheNextOccurrenceIsLoggedWithTheCountOfThoseNotLogged() {
        log.record("refused {}", "r-1");
        clock.advance(Duration.ofSeconds(1));
        log.record("refused {}", "r-2");
        log.record("refused {}", "r-3");
        clock.advance(Duration.ofSeconds(9));

        assertThat(log.record("refused {}", "r-4")).isTrue();

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "refused r-1",
                "refused r-4 [and 2 more like it since 2026-12-03T12:00:00Z]");
    }

    @Test
    void aLoneOccurrenceAfterAQuietIntervalIsLoggedWithoutACount() {
        log.record("refused {}", "r-1");
        clock.advance(Duration.ofMinutes(5));

        log.record("refused {}", "r-2");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("refused r-1", "refused r-2");
    }
}
