package dev.coda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testsupport.OwnRedis.Persistence;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A Redis server of the test's own keeps what its persistence promises through a SIGKILL, and stops answering while frozen. */
class OwnRedisTest {

    @Test
    void with_aof_always_an_acknowledged_write_survives_a_crash_and_the_restart_is_on_the_same_port() throws Exception {
        try (var redis = OwnRedis.start(Persistence.AOF_ALWAYS)) {
            System.out.printf("OwnRedis AOF_ALWAYS: started in %d ms%n", redis.startTime().toMillis());
            assertThat(redis.url("crash-test")).isEqualTo("redis://127.0.0.1:" + redis.port() + "/0?prefix=crash-test");
            assertThat(command(redis, "SET", "task", "kept")).isEqualTo("+OK");

            redis.crash();
            assertThat(redis.answers(Duration.ofMillis(500))).as("a crashed server").isFalse();
            redis.restart();
            System.out.printf("OwnRedis AOF_ALWAYS: restarted in %d ms%n", redis.startTime().toMillis());

            assertThat(command(redis, "GET", "task")).isEqualTo("$4\r\nkept");
        }
    }

    @Test
    void with_aof_everysec_a_write_survives_a_sigkill_of_the_server_alone_as_the_file_is_written_before_the_answer() throws Exception {
        try (var redis = OwnRedis.start(Persistence.AOF_EVERYSEC)) {
            assertThat(command(redis, "SET", "task", "kept")).isEqualTo("+OK");
            redis.crash();                     // the operating system still has the file's pages: only its crash loses the last second
            redis.restart();
            assertThat(command(redis, "GET", "task")).isEqualTo("$4\r\nkept");
        }
    }

    @Test
    void without_persistence_a_crash_loses_every_key() throws Exception {
        try (var redis = OwnRedis.start(Persistence.NONE)) {
            assertThat(command(redis, "SET", "task", "lost")).isEqualTo("+OK");
            redis.crash();
            redis.restart();
            assertThat(command(redis, "GET", "task")).isEqualTo("$-1");
        }
    }

    @Test
    void a_frozen_server_answers_no_ping_until_it_is_thawed_and_keeps_its_data() throws Exception {
        try (var redis = OwnRedis.start(Persistence.NONE)) {
            assertThat(command(redis, "SET", "task", "kept")).isEqualTo("+OK");
            assertThat(redis.answers(Duration.ofSeconds(5))).isTrue();

            redis.freeze();
            assertThat(redis.answers(Duration.ofMillis(500))).as("PING while frozen").isFalse();
            redis.thaw();

            assertThat(redis.answers(Duration.ofSeconds(5))).as("PING after thawing").isTrue();
            assertThat(command(redis, "GET", "task")).isEqualTo("$4\r\nkept");
        }
    }

    @Test
    void close_kills_the_server_and_removes_its_folder() throws Exception {
        var redis = OwnRedis.start(Persistence.AOF_ALWAYS);
        long pid = redis.rootPid();
        var folder = redis.folder();
        redis.freeze();                                   // even a frozen one
        redis.close();
        assertThat(ProcessTree.exists(pid)).isFalse();
        assertThat(folder).doesNotExist();
    }

    /** One RESP command; the reply's first line, and a bulk string's value after it. */
    private static String command(OwnRedis redis, String... words) throws IOException {
        var request = new StringBuilder("*").append(words.length).append("\r\n");
        for (var word : words) {
            request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
        }
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), redis.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            var in = socket.getInputStream();
            var first = line(in);
            return first.startsWith("$") && !first.equals("$-1") ? first + "\r\n" + line(in) : first;
        }
    }

    private static String line(InputStream in) throws IOException {
        var line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
