package dev.coda.durable;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of a durable task, as {@link TaskStatus#history()} lists it: which worker ran it, when, and how it ended.
 * Engines keep the last {@link #MAX_KEPT} attempts of a task, each error cut to {@link #MAX_ERROR_CHARS} characters
 * (the task's {@link TaskStatus#lastError()} keeps more).
 *
 * <pre>{@code
 * for (TaskAttempt a : status.history()) log.info("#{} on {}: {} in {}", a.number(), a.worker(), a.outcome(), a.duration());
 * }</pre>
 *
 * @param number the attempt's number, 1 for the first (an administrator's retry starts again at 1)
 * @param worker the id of the worker that ran (or lost) it
 * @param startedAt when it started
 * @param finishedAt when it ended, or {@code null} while it runs
 * @param outcome how it ended
 * @param error its failure with the stack trace, cut to {@link #MAX_ERROR_CHARS}, or {@code null}
 */
public record TaskAttempt(int number, String worker, Instant startedAt, Instant finishedAt, Outcome outcome, String error) {

    /** The most attempts a task's history keeps: the oldest go first. */
    public static final int MAX_KEPT = 50;

    /** The longest error text an attempt keeps. */
    public static final int MAX_ERROR_CHARS = 4_000;

    /** How an attempt ended. */
    public enum Outcome {
        /** It is running now. */
        RUNNING,
        /** The task succeeded. */
        SUCCEEDED,
        /** It failed and the task was retried. */
        RETRIED,
        /** It failed and the task failed for good. */
        FAILED,
        /** Its worker died or hung: the lease expired and another worker took the task over. */
        LOST;

        /** The lower-case name stored and shown: {@code retried}, {@code lost}... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How long it ran, or {@code null} while it runs (or when a time is unknown). */
    public Duration duration() {
        return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }
}
