package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code events} example's {@code /static/}: the folder {@code static} of the working directory, which may appear
 * after the start. The test points the app at a temporary folder ({@code Events.app(Path)}); {@code Events.app()} is
 * the same app on {@code Path.of("static")}, relative to the working directory.
 */
class EventsStaticTest {

    @TempDir
    Path workingDirectory;

    @Test
    void theFolderMayAppearAfterTheStartAndIsThenServed() throws IOException {
        var folder = workingDirectory.resolve("static");
        try (var client = TestClient.of(Events.app(folder))) {
            var before = client.get("/static/page.html");
            assertThat(before.status()).isEqualTo(404);
            assertThat(before.json()).isEqualTo(Map.of("detail", "Not Found"));

            Files.createDirectory(folder);
            Files.writeString(folder.resolve("page.html"), "<p>events</p>");

            var after = client.get("/static/page.html");
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.text()).isEqualTo("<p>events</p>");
            assertThat(after.header("content-type")).hasValue("text/html;charset=utf-8");
            assertThat(after.header("etag")).isPresent();
            assertThat(client.get("/events?count=1").text()).isEqualTo("data: {\"n\":0}\n\n");
        }
    }

    @Test
    void theDefaultAppServesStaticOfTheWorkingDirectory() {
        var expected = Path.of("static").toAbsolutePath();
        try (var client = TestClient.of(Events.app())) {
            var response = client.get("/static/surely-not-there-" + System.nanoTime() + ".txt");
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Not Found"));
        }
        assertThat(expected.getFileName().toString()).isEqualTo("static");
    }
}
