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

    private static final TestServer SERVER = new TestServer("RabbitMQ", TestRabbit::find,
            "start RabbitMQ on 127.0.0.1:5672 (guest/guest), or set CODA_TEST_AMQP_URL", "the RabbitMQ tests");

    private TestRabbit() {
    }

    /** The broker's URL (without parameters); skips or fails the calling test when there is none. */
    public static String url() {
        return SERVER.url();
    }

    private static String find() throws IOException {
        var configured = System.getenv("CODA_TEST_AMQP_URL");
        var candidate = configured != null && !configured.isBlank() ? configured : "amqp://guest:guest@127.0.0.1:5672/%2F";
        var uri = URI.create(candidate);
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort()), 3000);
            return candidate;
        } catch (IOException e) {
            throw new IOException(uri.getHost() + ":" + uri.getPort() + ": " + e.getMessage(), e);
        }
    }
}
