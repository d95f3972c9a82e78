package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code Coda.Builder.zstd} next to {@code gzip}: among the encodings the client's {@code Accept-Encoding} accepts (any q
 * above 0), zstd before gzip; above the minimum size, with {@code Vary: Accept-Encoding}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZstdCompressionTest {

    static final String LONG = CompressionTest.LONG;
    static final String JSON = "{\"text\":\"" + LONG + "\"}";

    private TestClient both;
    private TestClient zstdOnly;

    @BeforeAll
    void start() {
        both = TestClient.of(Coda.app().routes(new CompressionTest.Routes()).gzip(500).zstd(500).build());
        zstdOnly = TestClient.of(Coda.app().routes(new CompressionTest.Routes()).zstd(500).build());
    }

    @AfterAll
    void stop() {
        both.close();
        zstdOnly.close();
    }

    private static TestResponse get(TestClient client, String path, String acceptEncoding) {
        return client.request("GET", path).header("Accept-Encoding", acceptEncoding).send();
    }

    private static String unzstd(byte[] bytes) {
        try (var in = new ZstdInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aClientThatAcceptsZstdGetsZstd() {
        var response = get(both, "/long", "zstd");

        assertThat(response.header("Content-Encoding")).contains("zstd");
        assertThat(response.headers().get("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Accept-Encoding"));
        assertThat(response.bytes().length).isLessThan(LONG.length() / 4);
        assertThat(unzstd(response.bytes())).isEqualTo(JSON);
    }

    @Test
    void zstdIsPreferredWhenBothAreAcceptedAlike() {
        for (var acceptEncoding : List.of("gzip, deflate, br, zstd", "zstd, gzip", "*")) {
            var response = get(both, "/long", acceptEncoding);
            assertThat(response.header("Content-Encoding")).as(acceptEncoding).contains("zstd");
            assertThat(unzstd(response.bytes())).isEqualTo(JSON);
        }
    }

    @Test
    void amongAcceptedEncodingsTheServersPreferenceWinsAndQZeroRefuses() {
        var lowerQ = get(both, "/long", "zstd;q=0.5, gzip");
        assertThat(lowerQ.header("Content-Encoding")).as("Jetty's rule: any q above 0 accepts").contains("zstd");

        var refused = get(both, "/long", "zstd;q=0, gzip");
        assertThat(refused.header("Content-Encoding")).contains("gzip");
        assertThat(CompressionTest.gunzip(refused.bytes())).isEqualTo(JSON);
    }

    @Test
    void aClientWithoutZstdGetsGzipOrNothing() {
        var gzip = get(both, "/long", "gzip, deflate, br");
        assertThat(gzip.header("Content-Encoding")).contains("gzip");
        assertThat(CompressionTest.gunzip(gzip.bytes())).isEqualTo(JSON);

        var plain = get(zstdOnly, "/long", "gzip");
        assertThat(plain.header("Content-Encoding")).isEmpty();
        assertThat(plain.text()).isEqualTo(JSON);
    }

    @Test
    void refusedZstdAndSmallBodiesAreLeftAsTheyAre() {
        for (var acceptEncoding : List.of("zstd;q=0", "identity", "")) {
            var response = get(zstdOnly, "/long", acceptEncoding);
            assertThat(response.header("Content-Encoding")).as(acceptEncoding).isEmpty();
            assertThat(response.text()).isEqualTo(JSON);
        }
        var small = get(zstdOnly, "/short", "zstd");
        assertThat(small.header("Content-Encoding")).isEmpty();
        assertThat(small.text()).isEqualTo("{\"text\":\"tiny\"}");
    }

    @Test
    void aStreamedBodyIsCompressedWithZstd() {
        var response = get(both, "/lines", "zstd");

        assertThat(response.header("Content-Encoding")).contains("zstd");
        assertThat(unzstd(response.bytes()).lines()).hasSize(3).allSatisfy(line -> assertThat(line).contains(LONG));
    }
}
