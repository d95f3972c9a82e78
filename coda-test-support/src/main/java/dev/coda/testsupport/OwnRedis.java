package dev.coda.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code redis-server} of one test's own ({@link OwnServer}): the binary on the PATH (or in
 * {@code CODA_TEST_REDIS_BIN}), on a free loopback port, its data in a folder of its own, with the persistence the
 * test chooses. Without {@code redis-server} the test is skipped, except with {@code CI=true}, where it fails.
 *
 * <pre>{@code
 * try (var redis = OwnRedis.start(OwnRedis.Persistence.AOF_ALWAYS)) {
 *     var url = redis.url("crash-test");    // redis://127.0.0.1:<port>/0?prefix=crash-test
 *     redis.crash();                        // SIGKILL: with AOF_ALWAYS every acknowledged write survives
 *     redis.restart();
 * }
 * }</pre>
 */
public final class OwnRedis extends LocalServer {

    /** What survives a crash: Redis's persistence options. */
    public enum Persistence {
        /** Nothing on disk: a crash loses every key. */
        NONE("--appendonly", "no"),
        /** The append-only file, written to disk once a second: a crash loses up to the last second of writes. */
        AOF_EVERYSEC("--appendonly", "yes", "--appendfsync", "everysec"),
        /** The append-only file, written to disk before each write is acknowledged: a crash loses no acknowledged write. */
        AOF_ALWAYS("--appendonly", "yes", "--appendfsync", "always");

        private final List<String> options;

        Persistence(String... options) {
            this.options = List.of(options);
        }
    }

    private final Path binary;
    private final Persistence persistence;
    private Process process;

    private OwnRedis(Path binary, Path folder, int port, Persistence persistence) {
        super(folder, port);
        this.binary = binary;
        this.persistence = persistence;
    }

    /** Starts a server in a new temporary folder, on a free port, with {@code persistence}. */
    public static OwnRedis start(Persistence persistence) throws IOException, InterruptedException {
        var binary = binary("redis-server", System.getenv("CODA_TEST_REDIS_BIN"), null);
        if (binary == null) {
            throw Requirement.missing("no redis-server on the PATH (nor in CODA_TEST_REDIS_BIN) for a Redis server of the test's own",
                    "install the redis-server package");
        }
        return started(new OwnRedis(binary, newFolder("redis"), FreePorts.take(), persistence));
    }

    /** {@code redis://127.0.0.1:<port>/0?prefix=<prefix>}. */
    @Override
    public String url(String prefix) {
        return "redis://127.0.0.1:" + port() + "/0?prefix=" + prefix;
    }

    /** Its persistence. */
    public Persistence persistence() {
        return persistence;
    }

    @Override
    void launch() throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port()), "--bind", "127.0.0.1",
                "--dir", folder().toString(), "--save", "", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "notice"));
        command.addAll(persistence.options);
        var log = folder().resolve("redis.log");
        process = new ProcessBuilder(command).directory(folder().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitAnswer(server -> process.isAlive(), log);
    }

    @Override
    long rootPid() {
        return process.pid();
    }

    @Override
    byte[] ping() {
        return "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    boolean complete(byte[] reply) {
        return new String(reply, StandardCharsets.US_ASCII).endsWith("\r\n");
    }

    /** {@code +PONG}; not {@code -LOADING} (a restarting server reads its append-only file first). */
    @Override
    boolean isPong(byte[] reply) {
        return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    }
}
