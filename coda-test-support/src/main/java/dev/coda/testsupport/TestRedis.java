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

    private static final Object LOCK = new Object();
    private static String url;
    private static String problem;

    private TestRedis() {
    }

    /** The URL of the test server, without a prefix; skips or fails the calling test when there is none. */
    public static String url() {
        synchronized (LOCK) {
            if (url == null && problem == null) {
                detect();
            }
        }
        if (url != null) {
            return url;
        }
        throw Unreachable.skipOrFail("Redis", problem, "start Redis on 127.0.0.1:6379, or set CODA_TEST_REDIS_URL", "the Redis tests");
    }

    private static void detect() {
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
                url = candidate;
            } else {
                problem = candidate + " did not answer PING with PONG";
            }
        } catch (IOException e) {
            problem = candidate + ": " + e;
        }
    }
}
