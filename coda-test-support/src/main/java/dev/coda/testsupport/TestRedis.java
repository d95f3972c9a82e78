package dev.coda.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The Redis server the tests use: {@code CODA_TEST_REDIS_URL} (a {@code redis://host:port} URL), else
 * {@code redis://127.0.0.1:6379}. When it does not answer {@code PING}, the test is skipped with the reason, except with
 * {@code CI=true}, where it fails. Each test then works under a key prefix of its own and deletes only its keys.
 *
 * <pre>{@code
 * var url = TestRedis.url();     // redis://127.0.0.1:6379
 * }</pre>
 */
public final class TestRedis {

    private static final TestServer SERVER = new TestServer("Redis", TestRedis::find,
            "start Redis on 127.0.0.1:6379, or set CODA_TEST_REDIS_URL", "the Redis tests");

    private TestRedis() {
    }

    /** The URL of the test server, without a prefix; skips or fails the calling test when there is none. */
    public static String url() {
        return SERVER.url();
    }

    private static String find() throws IOException {
        var configured = System.getenv("CODA_TEST_REDIS_URL");
        var candidate = configured != null && !configured.isBlank() ? configured : "redis://127.0.0.1:6379";
        var authority = candidate.replaceFirst("^redis://", "").replaceFirst("[/?].*$", "");
        int colon = authority.lastIndexOf(':');
        var host = colon < 0 ? authority : authority.substring(0, colon);
        int port = colon < 0 ? 6379 : Integer.parseInt(authority.substring(colon + 1));
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 3000);
            socket.setSoTimeout(3000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            var answer = new byte[7];
            int n = socket.getInputStream().read(answer);
            if (n > 0 && new String(answer, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                return candidate;
            }
            throw new IOException("no PONG in answer to PING");
        } catch (IOException e) {
            throw new IOException(candidate + ": " + e.getMessage(), e);
        }
    }
}
