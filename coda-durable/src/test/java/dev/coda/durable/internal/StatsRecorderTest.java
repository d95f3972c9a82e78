package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatsRecorderTest {

    private static final Instant NOON = Instant.parse("2026-12-04T12:00:00Z");

    /** An engine's roll-up that keeps what it is given, refusing while told to. */
    private static final class Sink implements TaskStats {
        final List<Entry> recorded = new ArrayList<>();
        final List<Instant> keptFrom = new ArrayList<>();
        boolean unreachable;

        @Override
        public void record(List<Entry> entries, Instant keepFrom) {
            if (unreachable) {
                throw new IllegalStateException("unreachable");
            }
            recorded.addAll(entries);
            keptFrom.add(keepFrom);
        }

        @Override
        public List<Entry> read(Instant from, Instant to, String queue, String name) {
            throw new UnsupportedOperationException();
        }
    }

    private final SettableClock clock = new SettableClock(NOON.plusSeconds(10));
    private final Sink sink = new Sink();
    private final StatsRecorder stats = new StatsRecorder(Optional.of(sink), name -> !name.equals("Bad.name"), clock,
            Duration.ofSeconds(5), Duration.ofDays(7));

    private static ClaimedTask task(String name, Instant readyAt) {
        return new ClaimedTask("id", name, "default", "[]", 1, 3, null, null, null, readyAt);
    }

    @Test
    void countsPerMinuteAndNameAreFlushedWithTheRetentionsCutOff() {
        stats.started(task("Jobs.a", NOON.plusSeconds(8)));       // waited 2 s
        stats.succeeded(task("Jobs.a", null), 3_000_000);
        stats.retried(task("Jobs.a", null), 1_000_000);
        stats.failed(task("Bad.name", null), -1);                  // never ran
        clock.set(NOON.plusSeconds(70));
        stats.succeeded(task("Jobs.a", null), 3_000_000);

        stats.flush();

        assertThat(sink.keptFrom).containsExactly(NOON.plusSeconds(70).minus(Duration.ofDays(7)));
        assertThat(sink.recorded).extracting(e -> e.minute() + " " + e.name() + " " + e.succeeded() + "/" + e.failed() + "/" + e.retried()
                + " waits " + e.waits().count() + " runs " + e.runs().count())
                .containsExactlyInAnyOrder("2026-12-04T12:00:00Z Jobs.a 1/0/1 waits 1 runs 2",
                        "2026-12-04T12:00:00Z unknown 0/1/0 waits 0 runs 0", "2026-12-04T12:01:00Z Jobs.a 1/0/0 waits 0 runs 1");
        assertThat(sink.recorded.stream().filter(e -> e.minute().equals(NOON) && e.name().equals("Jobs.a")).findFirst().orElseThrow()
                .waits().percentile(0.5)).hasValueSatisfying(d -> assertThat(d.toMillis()).isBetween(1875L, 2125L));

        sink.recorded.clear();
        stats.flush();
        assertThat(sink.recorded).as("nothing counted twice").isEmpty();
    }

    @Test
    void whatTheEngineRefusesIsSentWithTheNextFlush() {
        stats.succeeded(task("Jobs.a", null), 1_000);
        sink.unreachable = true;
        stats.flush();
        stats.succeeded(task("Jobs.a", null), 1_000);
        sink.unreachable = false;
        stats.flush();

        assertThat(sink.recorded.stream().mapToLong(TaskStats.Entry::succeeded).sum()).isEqualTo(2);
    }

    @Test
    void anEngineWithoutTheCapabilityCostsOnlyTheAdds() {
        var none = new StatsRecorder(Optional.empty(), name -> true, clock, Duration.ofSeconds(5), Duration.ofDays(7));
        none.succeeded(task("Jobs.a", null), 1_000);
        none.start("never");
        none.stop();
        assertThat(sink.recorded).isEmpty();
    }
}
