package dev.coda.testsupport;

import java.io.IOException;
import java.time.Duration;

/**
 * A server of one test's own, to break: started on a free loopback port with its own data folder under a temporary
 * folder, never the shared server of the other tests. It crashes (SIGKILL), restarts on the same port and data, and
 * freezes (SIGSTOP, a network partition as its clients see it) and thaws (SIGCONT). Closing it kills it and removes its
 * folder. Without the server's binaries a test is skipped, except with {@code CI=true}, where it fails.
 *
 * <pre>{@code
 * try (OwnServer server = OwnRedis.start(OwnRedis.Persistence.AOF_ALWAYS)) {
 *     var tasksUrl = server.url("outage-test");     // redis://127.0.0.1:<port>/0?prefix=outage-test
 *     server.crash();
 *     server.restart();                             // same port, same data
 *     server.freeze();
 *     assertThat(server.answers(Duration.ofMillis(500))).isFalse();
 *     server.thaw();
 * }
 * }</pre>
 */
public interface OwnServer extends AutoCloseable {

    /** The {@code CODA_TASKS_URL} of a task engine on this server, its keys, queues or tables named after {@code prefix}. */
    String url(String prefix);

    /** The loopback port its clients connect to; the same after a restart. */
    int port();

    /** Kills the server's processes with SIGKILL, as a crash would: connections drop, nothing is flushed. */
    void crash() throws IOException, InterruptedException;

    /** Starts the server again on the same port and data; returns once it answers its clients. */
    void restart() throws IOException, InterruptedException;

    /** Stops the server's processes with SIGSTOP: connections stay open and nothing answers, as in a network partition. */
    void freeze() throws IOException, InterruptedException;

    /** Resumes the frozen processes with SIGCONT. */
    void thaw() throws IOException, InterruptedException;

    /** Whether the server answers a protocol-level ping (on a new connection) within {@code timeout}. */
    boolean answers(Duration timeout);

    /** How long its last start (or restart) took, until it answered. */
    Duration startTime();

    /** Kills the server if it runs (thawing it first if frozen) and removes its data folder. */
    @Override
    void close() throws IOException, InterruptedException;
}
