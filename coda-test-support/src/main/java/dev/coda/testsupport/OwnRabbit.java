package dev.coda.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A RabbitMQ node of one test's own ({@link OwnServer}): {@code rabbitmq-server} from {@code CODA_TEST_RABBITMQ_BIN},
 * else {@code /usr/lib/rabbitmq/bin} (Debian's; its {@code /usr/sbin} wrapper would run it as the {@code rabbitmq}
 * user), else the PATH. The node {@code coda-test-<random>@localhost} has its own AMQP and distribution ports, its own
 * data, logs, configuration, no plugin, and an Erlang cookie of its own in a home folder of its own: its tools reach
 * it and no other node, and the machine's {@code rabbit@localhost} and its cookie are never read nor touched. It
 * registers with the machine's {@code epmd}, which it never stops. Without RabbitMQ the test is skipped, except with
 * {@code CI=true}, where it fails.
 *
 * <pre>{@code
 * try (var rabbit = OwnRabbit.start()) {
 *     var url = rabbit.url("crash-test");   // amqp://guest:guest@127.0.0.1:<port>/%2F?prefix=crash-test
 *     rabbit.crash();                       // SIGKILL of this node's beam.smp and its port programs
 *     rabbit.restart();                     // durable queues and persistent messages are back
 * }
 * }</pre>
 */
public final class OwnRabbit extends LocalServer {

    private final Path bin;
    private final String node;
    private final int distPort;
    private Process process;

    private OwnRabbit(Path bin, Path folder, int port, int distPort, String node) {
        super(folder, port);
        this.bin = bin;
        this.node = node;
        this.distPort = distPort;
    }

    /** Creates the node's folder (data, logs, configuration, cookie) and starts it on free ports. */
    public static OwnRabbit start() throws IOException, InterruptedException {
        var configured = System.getenv("CODA_TEST_RABBITMQ_BIN");
        if ((configured == null || configured.isBlank()) && Files.isDirectory(Path.of("/usr/lib/rabbitmq/bin"))) {
            configured = "/usr/lib/rabbitmq/bin";
        }
        var server = binary("rabbitmq-server", configured, null);
        if (server == null || !Files.isExecutable(server.resolveSibling("rabbitmqctl"))) {
            throw Requirement.missing("no rabbitmq-server and rabbitmqctl in /usr/lib/rabbitmq/bin, on the PATH or in CODA_TEST_RABBITMQ_BIN"
                    + " for a RabbitMQ node of the test's own", "install the rabbitmq-server package");
        }
        var random = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        var folder = newFolder("rabbit");
        int port = FreePorts.take();
        int distPort = FreePorts.take();
        while (distPort == port) {
            distPort = FreePorts.take();
        }
        var home = Files.createDirectories(folder.resolve("home"));
        var cookie = home.resolve(".erlang.cookie");
        Files.writeString(cookie, HexFormat.of().formatHex(new SecureRandom().generateSeed(20)).toUpperCase(), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));  // Erlang refuses a readable cookie
        Files.writeString(folder.resolve("rabbitmq-env.conf"), "");                             // not the machine's /etc/rabbitmq one
        Files.writeString(folder.resolve("enabled_plugins"), "[].\n");
        Files.writeString(folder.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + port + "\n"
                + "loopback_users.guest = true\n");
        return started(new OwnRabbit(server.getParent(), folder, port, distPort, "coda-test-" + random + "@localhost"));
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>/%2F?prefix=<prefix>} (guest logs in from loopback only: it is loopback). */
    @Override
    public String url(String prefix) {
        return "amqp://guest:guest@127.0.0.1:" + port() + "/%2F?prefix=" + prefix;
    }

    /** Its Erlang node name, {@code coda-test-<random>@localhost}. */
    public String node() {
        return node;
    }

    /** Runs {@code rabbitmqctl -n <node> <arguments>} against this node; returns its output. */
    public String rabbitmqctl(String... arguments) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(List.of(bin.resolve("rabbitmqctl").toString(), "-n", node));
        command.addAll(List.of(arguments));
        var output = Files.createTempFile(folder(), "rabbitmqctl-", ".out");
        try {
            run(command, environment(), output);
            return Files.readString(output);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Override
    void launch() throws IOException, InterruptedException {
        var pidFile = folder().resolve("rabbit.pid");
        Files.deleteIfExists(pidFile);                     // a crash leaves it: the new one tells the new pid
        var log = folder().resolve("server.out");
        var builder = new ProcessBuilder(bin.resolve("rabbitmq-server").toString()).directory(folder().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment());
        builder.environment().put("RABBITMQ_NODENAME", node);
        process = builder.start();
        awaitAnswer(server -> process.isAlive(), log);
        rabbitmqctl("await_startup", "--timeout", Long.toString(TIMEOUT.toSeconds()));
    }

    /** The node's {@code beam.smp}, from its pid file. */
    @Override
    long rootPid() throws IOException {
        return Long.parseLong(Files.readString(folder().resolve("rabbit.pid")).strip());
    }

    /** The AMQP 0-9-1 protocol header: the server answers with {@code Connection.Start}, a method frame. */
    @Override
    byte[] ping() {
        return new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    }

    @Override
    boolean complete(byte[] reply) {
        return reply.length > 0;
    }

    @Override
    boolean isPong(byte[] reply) {
        return reply[0] == 1;
    }

    /** The environment of the node and its tools: every path in its folder, nothing from /etc/rabbitmq nor ~/.erlang.cookie. */
    private Map<String, String> environment() {
        var folder = folder();
        var env = new LinkedHashMap<String, String>();
        env.put("HOME", folder.resolve("home").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", folder.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_CONFIG_FILE", folder.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", folder.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", folder.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", folder.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", folder.resolve("rabbit.pid").toString());
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port()));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        return env;
    }
}
