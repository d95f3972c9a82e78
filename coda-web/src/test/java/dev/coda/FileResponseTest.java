package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Response.file} and {@code Response.download} through Jetty: headers, conditional GET, ranges (Starlette's
 * {@code FileResponse} cases), HEAD, downloads with non-ASCII names, and the file that is not there.
 */
class FileResponseTest {

    @TempDir
    Path dir;

    private TestClient client;
    private byte[] thousand;

    public static final class Files1 {
        private final Path dir;

        Files1(Path dir) {
            this.dir = dir;
        }

        @Get("/files/{name}")
        public Response file(String name) {
            return Response.file(dir.resolve(name));
        }

        @Get("/typed")
        public Response typed() {
            return Response.file(dir.resolve("data.txt"), "application/x-custom");
        }

        @Get("/download/{name}")
        public Response download(String name, String as) {
            return Response.download(dir.resolve(name), as);
        }

        @Get("/directory")
        public Response directory() {
            return Response.file(dir);
        }

        @Get("/slash/")
        public Response slash() {
            return Response.file(dir.resolve("data.txt")).header("Cache-Control", "no-cache");
        }

        @Get("/gone")
        public Response gone() {
            return Response.file(dir.resolve("data.txt")).withStatus(204);
        }
    }

    @BeforeEach
    void start() throws IOException {
        thousand = new byte[1000];
        for (int i = 0; i < thousand.length; i++) {
            thousand[i] = (byte) ('a' + i % 26);
        }
        Files.write(dir.resolve("data.txt"), thousand);
        Files.setLastModifiedTime(dir.resolve("data.txt"), FileTime.from(Instant.parse("2026-03-01T10:00:00Z")));
        Files.write(dir.resolve("x.json"), "{}".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("x.png"), new byte[] {1});
        Files.write(dir.resolve("x.unknownext"), new byte[] {1});
        client = TestClient.of(Coda.app().routes(new Files1(dir)).build());
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private TestResponse get(String path, String... headers) {
        var request = client.request("GET", path);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.send();
    }

    @Test
    void aFileIsSentWithItsTypeLengthDateTagAndAcceptRanges() {
        var response = client.get("/files/data.txt");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bytes()).isEqualTo(thousand);
        assertThat(response.header("Content-Type")).hasValue("text/plain;charset=utf-8");
        assertThat(response.header("Content-Length")).hasValue("1000");
        assertThat(response.header("Last-Modified")).hasValue("Sun, 01 Mar 2026 10:00:00 GMT");
        assertThat(response.header("ETag")).hasValueSatisfying(tag -> assertThat(tag).matches("W/\"[^\"]+\""));
        assertThat(response.header("Accept-Ranges")).hasValue("bytes");
        assertThat(response.header("Content-Disposition")).isEmpty();
    }

    @Test
    void theMediaTypeComesFromTheNameOrIsGiven() {
        assertThat(client.get("/files/x.json").header("Content-Type")).hasValue("application/json");
        assertThat(client.get("/files/x.png").header("Content-Type")).hasValue("image/png");
        assertThat(client.get("/files/x.unknownext").header("Content-Type")).hasValue("application/octet-stream");
        assertThat(client.get("/typed").header("Content-Type")).hasValue("application/x-custom");
    }

    @Test
    void aSingleRangeIsA206WithContentRange() {
        var response = get("/files/data.txt", "Range", "bytes=0-9");

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("Content-Range")).hasValue("bytes 0-9/1000");
        assertThat(response.header("Content-Length")).hasValue("10");
        assertThat(response.text()).isEqualTo("abcdefghij");
    }

    @Test
    void aSuffixRangeIsTheLastBytes() {
        var response = get("/files/data.txt", "Range", "bytes=-100");

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("Content-Range")).hasValue("bytes 900-999/1000");
        assertThat(response.bytes()).isEqualTo(java.util.Arrays.copyOfRange(thousand, 900, 1000));
    }

    @Test
    void anOpenRangeRunsToTheEnd() {
        var response = get("/files/data.txt", "Range", "bytes=100-");

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("Content-Range")).hasValue("bytes 100-999/1000");
        assertThat(response.bytes()).isEqualTo(java.util.Arrays.copyOfRange(thousand, 100, 1000));
    }

    @Test
    void severalRangesAreMultipartByteranges() {
        var response = get("/files/data.txt", "Range", "bytes=0-1,26-27");

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("multipart/byteranges; boundary="));
        var body = response.text();
        assertThat(body).contains("Content-Range: bytes 0-1/1000", "Content-Range: bytes 26-27/1000", "Content-Type: text/plain");
        assertThat(body.split("\r\n\r\n")[1]).startsWith("ab");
        assertThat(body).endsWith("--\r\n");          // sent chunked: Jetty does not count the parts beforehand
    }

    @Test
    void aRangePastTheEndIs416WithTheSize() {
        var response = get("/files/data.txt", "Range", "bytes=2000-3000");

        assertThat(response.status()).isEqualTo(416);
        assertThat(response.header("Content-Range")).hasValue("bytes */1000");
        assertThat(response.json()).isEqualTo(Map.of("detail", "Range Not Satisfiable"));
        assertThat(response.header("Content-Type")).hasValue("application/json");
    }

    @Test
    void ifRangeKeepsTheRangeOnlyWhileTheFileIsTheSame() {
        var etag = client.get("/files/data.txt").header("ETag").orElseThrow();
        var lastModified = client.get("/files/data.txt").header("Last-Modified").orElseThrow();

        assertThat(get("/files/data.txt", "Range", "bytes=0-9", "If-Range", etag).status()).isEqualTo(206);
        assertThat(get("/files/data.txt", "Range", "bytes=0-9", "If-Range", lastModified).status()).isEqualTo(206);
        var changed = get("/files/data.txt", "Range", "bytes=0-9", "If-Range", "W/\"another\"");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.bytes()).isEqualTo(thousand);
    }

    @Test
    void ifNoneMatchWithTheTagIs304WithoutBody() {
        var etag = client.get("/files/data.txt").header("ETag").orElseThrow();

        var response = get("/files/data.txt", "If-None-Match", etag);

        assertThat(response.status()).isEqualTo(304);
        assertThat(response.bytes()).isEmpty();
        assertThat(response.header("ETag")).hasValue(etag);
        assertThat(get("/files/data.txt", "If-None-Match", "W/\"other\"").status()).isEqualTo(200);
    }

    @Test
    void ifModifiedSinceIs304UnlessTheFileIsNewer() {
        var fmt = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

        assertThat(get("/files/data.txt", "If-Modified-Since", "Sun, 01 Mar 2026 10:00:00 GMT").status()).isEqualTo(304);
        assertThat(get("/files/data.txt", "If-Modified-Since", fmt.format(Instant.parse("2026-03-02T00:00:00Z"))).status())
                .isEqualTo(304);
        var older = get("/files/data.txt", "If-Modified-Since", fmt.format(Instant.parse("2026-02-01T00:00:00Z")));
        assertThat(older.status()).isEqualTo(200);
        assertThat(older.bytes()).hasSize(1000);
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() {
        var response = client.head("/files/data.txt");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Length")).hasValue("1000");
        assertThat(response.header("ETag")).isPresent();
        assertThat(response.bytes()).isEmpty();
    }

    @Test
    void aDownloadNamesTheFileAsStarletteDoes() {
        var ascii = client.get("/download/data.txt?as=report.csv");
        assertThat(ascii.header("Content-Disposition")).hasValue("attachment; filename=\"report.csv\"");
        assertThat(ascii.header("Content-Type")).hasValue("text/csv;charset=utf-8");

        var accented = client.get("/download/data.txt?as=" + java.net.URLEncoder.encode("Ventes été 2026.csv", StandardCharsets.UTF_8));
        assertThat(accented.header("Content-Disposition")).hasValue("attachment; filename*=utf-8''Ventes%20%C3%A9t%C3%A9%202026.csv");

        var other = client.get("/download/data.txt?as=" + java.net.URLEncoder.encode("東京*.pdf", StandardCharsets.UTF_8));
        assertThat(other.header("Content-Disposition")).hasValue("attachment; filename*=utf-8''%E6%9D%B1%E4%BA%AC%2A.pdf");
        assertThat(other.header("Content-Type")).hasValue("application/pdf");
        assertThat(other.bytes()).isEqualTo(thousand);
    }

    @Test
    void aMissingFileIsA404AndADirectoryA500() {
        var missing = client.get("/files/nothing.txt");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json()).isEqualTo(Map.of("detail", "Not Found"));

        var directory = client.get("/directory");
        assertThat(directory.status()).isEqualTo(500);
        assertThat(directory.json()).isEqualTo(Map.of("detail", "Internal Server Error"));
    }

    @Test
    void aRouteEndingInASlashSendsItsFileWithItsOwnHeaders() {
        var response = client.get("/slash/");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bytes()).isEqualTo(thousand);
        assertThat(response.header("Cache-Control")).hasValue("no-cache");
    }

    @Test
    void a204FileResponseHasNoBody() {
        var response = client.get("/gone");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.bytes()).isEmpty();
    }
}
