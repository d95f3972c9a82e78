package dev.coda.durable.redis;

import java.time.Instant;
import java.util.List;

/**
 * Instants as the engine stores them: microseconds since the epoch, Redis's {@code TIME} in the scripts (a sorted
 * set's score holds them exactly).
 *
 * <pre>{@code
 * Micros.of(Instant.parse("2026-01-01T00:00:00.000001Z"))  // "1767225600000001"
 * }</pre>
 */
final class Micros {

    private Micros() {
    }

    static String of(Instant instant) {
        return Long.toString(instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000);
    }

    /** The instant of stored microseconds; {@code null} stays {@code null}. */
    static Instant toInstant(String micros) {
        if (micros == null || micros.isEmpty()) {
            return null;
        }
        long value = Long.parseLong(micros);
        return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000), Math.floorMod(value, 1_000_000) * 1000L);
    }

    /** Redis's clock: the reply of {@code TIME} (seconds, then microseconds), the clock the scripts compare with. */
    static Instant ofTime(List<String> time) {
        return Instant.ofEpochSecond(Long.parseLong(time.get(0)), Long.parseLong(time.get(1)) * 1000L);
    }

    static Instant toInstant(double score) {
        return toInstant(Long.toString((long) score));
    }
}
