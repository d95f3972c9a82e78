package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code Coda.Builder.gzip}: bodies are compressed by {@code Accept-Encoding} above the minimum size, with
 * {@code Vary: Accept-Encoding}; never refused encodings, small bodies, event streams, compressed types or bodies
 * that already have an encoding; streamed bodies are compressed as they go.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompressionTest {

    static final String LONG = "coda ".repeat(200);                                   // 1000 bytes, compressible

    public static final class Routes {
        @Get("/long")
        public Map<String, String> longBody() {
            return Map.of("text", LONG);
        }

        @Get("/short")
        public Map<String, String> shortBody() {
            return Map.of("text", "tiny");
        }

        @Get("/png")
        public Response png() {
            return Response.bytes(LONG.getBytes(StandardCharsets.US_ASCII), "image/png");
        }

        @Get("/encoded")
        public Response encoded() {
            return Response.bytes(LONG.getBytes(StandardCharsets.US_ASCII), "text/plain").header("Content-Encoding", "br");
        }

        @Get("/events")
        public Response events() {
            return Response.events(Stream.of(LONG, LONG).map(ServerSentEvent::data));
        }

        @Get("/lines")
        public Response lines() {
            return Response.jsonLines(Stream.of(1, 2, 3).map(i -> Map.of("line", i, "text", LONG)));
        }
    }

    private TestClient client;

    @BeforeAll
    void start() {
        client = TestClient.of(Coda.app().routes(new Routes()).gzip(500).build());
    }

    @AfterAll
    void stop() {
        client.close();
    }

    private TestResponse get(String path, String acceptEncoding) {
        return client.request("GET", path).header("Accept-Encoding", acceptEncoding).send();
    }

    static String gunzip(byte[] bytes) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aLargeBodyIsGzippedForAClientThatAcceptsIt() {
        var response = get("/long", "gzip, deflate, br");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Encoding")).contains("gzip");
        assertThat(response.headers().get("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
        assertThat(response.bytes().length).isLessThan(LONG.length() / 4);
        assertThat(gunzip(response.bytes())).isEqualTo("{\"text\":\"" + LONG + "\"}");
    }

    @Test
    void refusedOrAbsentGzipLeavesTheBodyAsItIs() {
        for (var acceptEncoding : List.of("gzip;q=0", "identity", "br", "")) {
            var response = get("/long", acceptEncoding);
            assertThat(response.header("Content-Encoding")).as(acceptEncoding).isEmpty();
            assertThat(response.text()).as(acceptEncoding).isEqualTo("{\"text\":\"" + LONG + "\"}");
        }
    }

    @Test
    void aBodyBelowTheMinimumSizeIsNotCompressed() {
        var response = get("/short", "gzip");
        assertThat(response.header("Content-Encoding")).isEmpty();
        assertThat(response.text()).isEqualTo("{\"text\":\"tiny\"}");
    }

    @Test
    void compressedTypesAndEncodedBodiesAreLeftAlone() {
        var png = get("/png", "gzip");
        assertThat(png.header("Content-Encoding")).isEmpty();
        assertThat(png.text()).isEqualTo(LONG);
        var encoded = get("/encoded", "gzip");
        assertThat(encoded.headers().get("content-encoding")).containsExactly("br");
        assertThat(encoded.text()).isEqualTo(LONG);
    }

    @Test
    void eventStreamsAreNeverCompressed() {
        var response = get("/events", "gzip");
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(response.header("Content-Encoding")).isEmpty();
        assertThat(response.text()).contains("data: \"" + LONG + "\"");
    }

    @Test
    void aStreamedBodyIsCompressedAsItGoes() {
        var response = get("/lines", "gzip");
        assertThat(response.header("Content-Encoding")).contains("gzip");
        assertThat(gunzip(response.bytes()).lines()).hasSize(3).allSatisfy(line -> assertThat(line).contains(LONG));
    }

    @Test
    void swaggerUisBundleGoesCompressed() {
        var page = client.get("/docs").text();
        var bundle = page.replaceAll("(?s).*<script src=\"([^\"]*swagger-ui-bundle\\.js)\".*", "$1");
        var response = get(bundle, "gzip");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Encoding")).contains("gzip");
        var size = gunzip(response.bytes()).length();
        assertThat(size).isGreaterThan(1_000_000);
        assertThat(response.bytes().length).isLessThan(size / 2);
    }

    @Test
    void headAnswersTheHeadersWithoutABody() {
        var response = client.request("HEAD", "/long").header("Accept-Encoding", "gzip").send();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bytes()).isEmpty();
    }
}
