package dev.coda.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of one test's own ({@link OwnServer}): {@code initdb} and {@code pg_ctl} from the newest
 * {@code /usr/lib/postgresql/<version>/bin} (or {@code CODA_TEST_PG_BIN}), run as the {@code postgres} OS user when
 * the test runs as root (PostgreSQL refuses root). Its crash is a SIGKILL of the postmaster and every backend; the
 * restart recovers from the write-ahead log. Without the binaries the test is skipped, except with {@code CI=true},
 * where it fails. The PostgreSQL JDBC driver comes from the test's class path.
 *
 * <pre>{@code
 * try (var pg = OwnPostgres.start()) {
 *     var engine = TaskEngine.fromUrl(pg.url("outage"));   // its own schema "outage"
 *     pg.crash();
 *     pg.restart();
 * }                                                        // killed, and its data folder removed
 * }</pre>
 */
public final class OwnPostgres extends LocalServer {

    private final Path bin;
    private final boolean asPostgresUser;

    private OwnPostgres(Path bin, Path folder, int port, boolean asPostgresUser) {
        super(folder, port);
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates a database cluster in a new temporary folder and starts a server on it, on a free port. */
    public static OwnPostgres start() throws IOException, InterruptedException {
        var bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        var folder = newFolder("pg");
        if (root) {
            var postgres = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(folder, postgres);
        }
        var server = new OwnPostgres(bin, folder, FreePorts.take(), root);
        try {
            server.tool(List.of(bin.resolve("initdb").toString(), "-D", server.cluster().toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-sync"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return started(server);
    }

    /**
     * {@code jdbc:postgresql://127.0.0.1:<port>/postgres?user=postgres&currentSchema=<prefix>}; creates the schema
     * {@code prefix} when it is not there yet.
     */
    @Override
    public String url(String prefix) {
        var base = "jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=postgres";
        try (var connection = DriverManager.getConnection(base);
             var statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS \"" + prefix.replace("\"", "\"\"") + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the schema " + prefix + " on port " + port(), e);
        }
        return base + "&currentSchema=" + prefix;
    }

    @Override
    void launch() throws IOException, InterruptedException {
        // a crash leaves lock files naming a dead postmaster, which may linger as a zombie until its reaper runs:
        // PostgreSQL would take it for a running server. Every process of this server is dead (crash() saw to it).
        Files.deleteIfExists(cluster().resolve("postmaster.pid"));
        Files.deleteIfExists(folder().resolve(".s.PGSQL." + port() + ".lock"));
        tool(List.of(bin.resolve("pg_ctl").toString(), "-D", cluster().toString(), "-l", folder().resolve("server.log").toString(), "-w",
                "-t", Long.toString(TIMEOUT.toSeconds()), "-o",
                "-p " + port() + " -k " + folder() + " -c listen_addresses=127.0.0.1", "start"));
    }

    /** The postmaster, from the first line of {@code postmaster.pid}. */
    @Override
    long rootPid() throws IOException {
        return Long.parseLong(Files.readAllLines(cluster().resolve("postmaster.pid")).getFirst().strip());
    }

    /** An {@code SSLRequest}: the server answers {@code N} or {@code S} before any authentication. */
    @Override
    byte[] ping() {
        return ByteBuffer.allocate(8).putInt(8).putInt(80877103).array();
    }

    @Override
    boolean complete(byte[] reply) {
        return reply.length > 0;
    }

    @Override
    boolean isPong(byte[] reply) {
        return reply[0] == 'N' || reply[0] == 'S';
    }

    private Path cluster() {
        return folder().resolve("cluster");
    }

    private void tool(List<String> command) throws IOException, InterruptedException {
        var full = new ArrayList<String>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        var output = Files.createTempFile("coda-own-pg-", ".out");
        try {
            run(full, Map.of(), output);
        } catch (IllegalStateException e) {
            var log = folder().resolve("server.log");
            throw new IllegalStateException(e.getMessage() + (Files.exists(log) ? "\nserver.log:\n" + tail(log) : ""), e);
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
        throw Requirement.missing("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin, nor"
                + " CODA_TEST_PG_BIN, for a server of the test's own", "install the PostgreSQL server package");
    }

    private static int version(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
