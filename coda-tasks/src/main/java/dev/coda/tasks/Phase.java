package dev.coda.tasks;

/** When a task runs, relative to the outcome of the request that added it. */
enum Phase {
    /** Only when the request succeeded (FastAPI's only behaviour). */
    ON_SUCCESS,
    /** Only when the request failed: an exception, an {@code HttpException}, a validation error. */
    ON_ERROR,
    /** Whatever the outcome. */
    ALWAYS;

    boolean runs(boolean requestFailed) {
        return this == ALWAYS || (this == ON_ERROR) == requestFailed;
    }
}
