package dev.coda.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * The RabbitMQ broker the tests use: {@code CODA_TEST_AMQP_URL}, else {@code amqp://guest:guest@127.0.0.1:5672/%2F}.
 * When its port does not answer, the test is skipped with the reason, except with {@code CI=true}, where it fails.
 * Each test then works under a prefix of its own (its queues and exchanges), deleted after.
 *
 * <pre>{@code
 * var url = TestRabbit.url();     // amqp://guest:guest@127.0.0.1:5672/%2F
 * }</pre>
 */
public final class TestRabbit {

    private static final Object LOCK = new Object();
    private static String url;
    private static String problem;

    private TestRabbit() {
    }

    /** The broker's URL (without parameters); skips or fails the calling test when there is none. */
    public static String url() {
        synchronized (LOCK) {
            if (url == null && problem == null) {
                detect();
            }
        }
        return Servers.require("RabbitMQ", url, problem,
                "start RabbitMQ on 127.0.0.1:5672 (guest/guest), or set CODA_TEST_AMQP_URL");
    }

    private static void detect() {
        var configured = System.getenv("CODA_TEST_AMQP_URL");
        var candidate = configured != null && !configured.isBlank() ? configured : "amqp://guest:guest@127.0.0.1:5672/%2F";
        var uri = URI.create(candidate);
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort()), 3000);
            url = candidate;
        } catch (IOException | RuntimeException e) {
            problem = uri.getHost() + ":" + uri.getPort() + ": " + e.getMessage();
        }
    }
}
