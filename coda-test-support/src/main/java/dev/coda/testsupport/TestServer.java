package dev.coda.testsupport;

/**
 * A server the tests need, looked for once: its URL, or the test skipped with the reason, except with {@code CI=true},
 * where it fails ({@link Requirement}): what {@link TestPostgres} and {@link TestRedis} share.
 *
 * <pre>{@code
 * private static final TestServer REDIS = new TestServer("Redis", TestRedis::find, "start Redis on 127.0.0.1:6379", "the Redis tests");
 * String url = REDIS.url();
 * }</pre>
 */
final class TestServer {

    /** Finds the server: its URL, or an exception whose message says why not. */
    @FunctionalInterface
    interface Probe {
        String find() throws Exception;
    }

    private final String server;
    private final Probe probe;
    private final String howToProvide;
    private final String skipped;
    private String url;
    private String problem;

    TestServer(String server, Probe probe, String howToProvide, String skipped) {
        this.server = server;
        this.probe = probe;
        this.howToProvide = howToProvide;
        this.skipped = skipped;
    }

    /** The server's URL; skips (aborts) or fails the calling test when there is none. */
    synchronized String url() {
        if (url == null && problem == null) {
            try {
                url = probe.find();
            } catch (Exception e) {
                problem = e.getMessage();
            }
        }
        if (url != null) {
            return url;
        }
        throw Requirement.missing(server + " is not reachable for " + skipped + " (" + problem + ")", howToProvide);
    }
}
