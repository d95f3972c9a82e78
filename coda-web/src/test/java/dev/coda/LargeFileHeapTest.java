package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file four times the server's heap goes out whole: the server runs in a process of its own with {@code -Xmx64m}, so a
 * file read into memory would fail with an OutOfMemoryError (and a short or failed answer), where a streamed one fits.
 */
class LargeFileHeapTest {

    private static final long SIZE = 256L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aFileLargerThanTheHeapIsSentWhole() throws Exception {
        var file = dir.resolve("big.bin");
        try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(SIZE);                 // sparse: no disk, no time
            raf.seek(SIZE - 1);
            raf.write(42);
        }
        var java = ProcessHandle.current().info().command().orElse("java");
        var process = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LargeFileServer.class.getName(), file.toString()).redirectErrorStream(true).start();
        try {
            var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("PORT ")) {
                // logs before the port line
            }
            assertThat(line).as("the server printed its port").isNotNull();
            int port = Integer.parseInt(line.substring(5).strip());
            try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/big")).timeout(Duration.ofSeconds(60)).build();
                var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("content-length")).hasValue(String.valueOf(SIZE));
                long total = 0;
                int last = -1;
                try (var body = response.body()) {
                    var buffer = new byte[1 << 16];
                    for (int n; (n = body.read(buffer)) > 0; ) {
                        total += n;
                        last = buffer[n - 1];
                    }
                }
                assertThat(total).isEqualTo(SIZE);
                assertThat(last).isEqualTo(42);
            }
            assertThat(process.isAlive()).as("the server survived").isTrue();
        } finally {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
