package dev.coda.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the servers of {@link OwnServer} share: the crash, freeze and thaw of their process tree, the raw-socket
 * ping, the timed (re)start and the removal of their folder. Each server says how it starts and which process is its root.
 */
abstract class LocalServer implements OwnServer {

    /** The longest a start, a stop or a command of the server's tools may take (a busy 2-core machine). */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path folder;
    private final int port;
    private boolean running;
    private Duration startTime = Duration.ZERO;

    LocalServer(Path folder, int port) {
        this.folder = folder;
        this.port = port;
    }

    /** Starts the server's process(es) on {@link #port()} and {@link #folder()}; returns once it answers. */
    abstract void launch() throws IOException, InterruptedException;

    /** The OS process at the root of the running server's process tree. */
    abstract long rootPid() throws IOException;

    /** A request the server answers on a new connection before any authentication. */
    abstract byte[] ping();

    /** Whether {@code reply} (what was read so far) is a whole answer to {@link #ping()}. */
    abstract boolean complete(byte[] reply);

    /** Whether a whole answer says the server is ready. */
    abstract boolean isPong(byte[] reply);

    /** Starts a new server; closes it (its folder removed) when the start fails. */
    static <S extends LocalServer> S started(S server) throws IOException, InterruptedException {
        try {
            server.restart();
            return server;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    final Path folder() {
        return folder;
    }

    @Override
    public final int port() {
        return port;
    }

    @Override
    public final Duration startTime() {
        return startTime;
    }

    @Override
    public final void restart() throws IOException, InterruptedException {
        if (running) {
            throw new IllegalStateException("the server on port " + port + " runs: crash() it first");
        }
        long start = System.nanoTime();
        launch();
        startTime = Duration.ofNanos(System.nanoTime() - start);
        running = true;
    }

    @Override
    public final void crash() throws IOException, InterruptedException {
        ProcessTree.killAll(rootPid(), TIMEOUT);
        running = false;
    }

    @Override
    public final void freeze() throws IOException, InterruptedException {
        ProcessTree.stop(rootPid());
    }

    @Override
    public final void thaw() throws IOException, InterruptedException {
        ProcessTree.resume(rootPid());
    }

    @Override
    public final boolean answers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) Math.max(1, timeout.toMillis()));
            socket.getOutputStream().write(ping());
            var reply = new byte[0];
            InputStream in = socket.getInputStream();
            while (!complete(reply)) {
                int left = (int) TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout(left);
                var chunk = new byte[256];
                int n = in.read(chunk);
                if (n < 0) {
                    return false;
                }
                reply = Arrays.copyOf(reply, reply.length + n);
                System.arraycopy(chunk, 0, reply, reply.length - n, n);
            }
            return isPong(reply);
        } catch (IOException e) {
            return false;                                  // refused, reset or timed out: no answer
        }
    }

    @Override
    public final void close() throws IOException, InterruptedException {
        try {
            if (running) {
                crash();
            }
        } finally {
            if (Files.exists(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    /** Waits until the server answers its ping; fails early when {@code alive} says its process is gone. */
    final void awaitAnswer(Predicate<LocalServer> alive, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!answers(Duration.ofMillis(500))) {
            if (!alive.test(this)) {
                throw new IllegalStateException(getClass().getSimpleName() + " on port " + port + " exited while starting:\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(getClass().getSimpleName() + " on port " + port + " did not answer within " + TIMEOUT
                        + ":\n" + tail(log));
            }
            Thread.sleep(50);                                      // between two pings of a starting server
        }
    }

    /** Runs a tool of the server to its end; fails with its output when it fails. */
    static void run(List<String> command, Map<String, String> environment, Path output) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        var process = builder.start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT + ":\n" + tail(output));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + tail(output));
        }
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no " + log + ": " + e + ")";
        }
    }

    /** A new temporary folder for one server (under /tmp: a server running as another OS user must reach it). */
    static Path newFolder(String name) throws IOException {
        return Files.createTempDirectory("coda-own-" + name + "-");
    }

    /** The executable {@code name} in {@code configured} (a folder), else on the PATH, else in {@code fallback}; or null. */
    static Path binary(String name, String configured, Path fallback) {
        var folders = Stream.<String>builder();
        if (configured != null && !configured.isBlank()) {
            folders.add(configured);
        } else {
            Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)).forEach(folders::add);
            if (fallback != null) {
                folders.add(fallback.toString());
            }
        }
        return folders.build().filter(f -> !f.isBlank()).map(f -> Path.of(f, name)).filter(Files::isExecutable).findFirst().orElse(null);
    }
}
