package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.testing.SettableClock;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The fast-fail window of an engine whose database cannot be reached, on a clock the test moves: refused at once
 * during the window, one probe at a time after it, open again after any answer from the database.
 */
class EngineHealthTest {

    private final SettableClock clock = new SettableClock(Instant.ofEpochMilli(1_000_000));
    private final EngineHealth health = new EngineHealth(LoggerFactory.getLogger("dev.coda.durable.test"), () -> "test engine",
            Duration.ofSeconds(1), clock);
    private final AtomicInteger reachedDatabase = new AtomicInteger();

    private static boolean unavailable(SQLException e) {
        return e instanceof SQLTransientConnectionException;
    }

    private String succeed() throws SQLException {
        return health.call(() -> {
            reachedDatabase.incrementAndGet();
            return "ok";
        }, EngineHealthTest::unavailable);
    }

    private void failUnreachable() {
        assertThatThrownBy(() -> health.call(() -> {
            reachedDatabase.incrementAndGet();
            throw new SQLTransientConnectionException("Connection refused", "08001");
        }, EngineHealthTest::unavailable)).isInstanceOf(SQLTransientConnectionException.class)
                .isNotInstanceOf(EngineHealth.Refused.class);
    }

    @Test
    void afterAnUnreachableDatabaseCallsAreRefusedWithoutTryingUntilTheWindowEnds() throws SQLException {
        assertThat(succeed()).isEqualTo("ok");
        failUnreachable();
        assertThat(health.down()).isTrue();
        int before = reachedDatabase.get();

        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(this::succeed).isInstanceOf(EngineHealth.Refused.class)
                    .hasMessageContaining("Connection refused").hasMessageNotContaining("Exception");
        }
        clock.advance(Duration.ofMillis(999));
        assertThatThrownBy(this::succeed).isInstanceOf(EngineHealth.Refused.class);
        assertThat(reachedDatabase.get()).as("no refused call touched the database").isEqualTo(before);

        clock.advance(Duration.ofMillis(1));
        assertThat(succeed()).as("the probe after the window").isEqualTo("ok");
        assertThat(health.down()).isFalse();
        assertThat(succeed()).isEqualTo("ok");
        assertThat(reachedDatabase.get()).isEqualTo(before + 2);
    }

    @Test
    void aProbeThatFindsTheDatabaseStillDownStartsAnotherWindow() {
        failUnreachable();
        clock.advance(Duration.ofSeconds(1));
        failUnreachable();                                      // the probe
        assertThatThrownBy(this::succeed).isInstanceOf(EngineHealth.Refused.class);
        clock.advance(Duration.ofMillis(500));
        assertThatThrownBy(this::succeed).as("the window restarts at the probe's failure").isInstanceOf(EngineHealth.Refused.class);
    }

    @Test
    void onlyOneCallAtATimeProbesTheDatabase() throws Exception {
        failUnreachable();
        clock.advance(Duration.ofSeconds(2));
        var probing = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var probe = Thread.ofVirtual().start(() -> {
            try {
                health.call(() -> {
                    probing.countDown();
                    try {
                        return release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new SQLException(e);
                    }
                }, EngineHealthTest::unavailable);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(probing.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(this::succeed).as("while another call probes").isInstanceOf(EngineHealth.Refused.class);
        release.countDown();
        probe.join(Duration.ofSeconds(10));
        assertThat(health.down()).isFalse();
        assertThat(succeed()).isEqualTo("ok");
    }

    @Test
    void anErrorOfTheSqlItselfMeansTheDatabaseAnswered() throws SQLException {
        failUnreachable();
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> health.call(() -> {
            throw new SQLException("syntax error at or near \"SELEKT\"", "42601");
        }, EngineHealthTest::unavailable)).hasMessageContaining("SELEKT");
        assertThat(health.down()).isFalse();
        assertThat(succeed()).isEqualTo("ok");
    }

    @Test
    void aRefusalNamesTheRootCauseNotTheWrappers() {
        var wrapped = new SQLTransientConnectionException("pool - Connection is not available, request timed out after 2000ms",
                "08001", new SQLException("Connection to 127.0.0.1:5499 refused", "08001"));
        assertThat(EngineHealth.rootMessage(wrapped)).isEqualTo("Connection to 127.0.0.1:5499 refused");
    }

    @Test
    void aSuccessThatProvesNothingLeavesTheDatabaseDown() throws SQLException {
        failUnreachable();
        clock.advance(Duration.ofSeconds(1));
        assertThat(health.call(() -> "read", EngineHealthTest::unavailable, false)).isEqualTo("read");
        assertThat(health.down()).as("a read of a file locked for writing").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(succeed()).isEqualTo("ok");
        assertThat(health.down()).isFalse();
    }
}
