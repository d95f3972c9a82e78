package dev.coda.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of one test's own, to break: its own data folder and a free port, never the shared server
 * of the other tests. {@code initdb} and {@code pg_ctl} from the newest {@code /usr/lib/postgresql/<version>/bin}
 * (or {@code CODA_TEST_PG_BIN}), run as the {@code postgres} OS user when the test runs as root (PostgreSQL refuses
 * root). Without them the test is skipped, except with {@code CI=true}, where it fails.
 *
 * <pre>{@code
 * try (var pg = OwnPostgres.start()) {
 *     var engine = TaskEngine.fromUrl(pg.url());
 *     pg.crash();       // pg_ctl stop -m immediate: the outage
 *     pg.restart();
 * }                     // stopped, and its data folder removed
 * }</pre>
 */
final class OwnPostgres implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;
    private boolean running;

    private OwnPostgres(Path bin, Path data, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates a database cluster in a new temporary folder and starts a server on it, on a free port. */
    static OwnPostgres start() throws IOException, InterruptedException {
        var bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        // under /tmp, not the test's @TempDir: the postgres user must be able to reach it
        var data = Files.createTempDirectory("coda-own-pg-");
        if (root) {
            var postgres = data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(data, postgres);
        }
        var server = new OwnPostgres(bin, data.resolve("cluster"), freePort(), root);
        try {
            server.run(List.of(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-sync"));
            server.restart();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres?user=postgres}. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    int port() {
        return port;
    }

    /** Kills the server as a crash would ({@code pg_ctl stop -m immediate}): connections drop, nothing is flushed. */
    void crash() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        running = false;
    }

    /** Starts the server (again) on the same port and data; returns once it accepts connections. */
    void restart() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolve("server.log").toString(), "-w",
                "-t", Long.toString(TIMEOUT_SECONDS), "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1", "start"));
        running = true;
    }

    /** Stops the server if it runs and removes its data folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (running) {
                crash();
            }
        } finally {
            var folder = data.getParent();
            if (Files.exists(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        var full = new ArrayList<String>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        var output = Files.createTempFile("coda-own-pg-", ".out");
        try {
            var process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                var log = data.resolve("server.log");
                throw new IllegalStateException(String.join(" ", full) + " exited with " + process.exitValue() + ":\n"
                        + Files.readString(output) + (Files.exists(log) ? "\nserver.log:\n" + Files.readString(log) : ""));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The folder of initdb and pg_ctl; skips (or, with CI=true, fails) the test when there is none. */
    private static Path binaries() {
        var configured = System.getenv("CODA_TEST_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        var root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(OwnPostgres::version));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        var message = "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin, nor CODA_TEST_PG_BIN,"
                + " for a server of the test's own";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true requires them: install the PostgreSQL server package");
        }
        Assumptions.abort(message + "; skipping (with CI=true this is a failure)");
        throw new AssertionError("unreachable");
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
