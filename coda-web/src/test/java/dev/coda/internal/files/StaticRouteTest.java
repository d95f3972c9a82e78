package dev.coda.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.HttpException;
import dev.coda.StaticFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mount's own guard, below Jetty's: decoded paths that Jetty's URI compliance would have refused already reach
 * {@link StaticRoute#serve} here directly, as they would under a more lenient compliance mode.
 */
class StaticRouteTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"..", "../secret.txt", "docs/../../secret.txt", "./hello.txt", "..\\secret.txt", "hello.txt\0.png",
        "\0", "docs//hello.txt", "/secret.txt", "%2e%2e/secret.txt", "hello.txt/"})
    void aPathWithAnythingButOrdinaryNamesIsNotFound(String path) throws IOException {
        var root = Files.createDirectories(tmp.resolve("root/docs"));
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.writeString(tmp.resolve("root/hello.txt"), "hello");
        var route = new StaticRoute(StaticFiles.directory(root.getParent()));

        assertThatThrownBy(() -> route.serve(path, null))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void anOrdinaryNameIsAFileResponse() throws IOException {
        Files.createDirectories(tmp.resolve("root"));
        Files.writeString(tmp.resolve("root/hello.txt"), "hello");

        var response = new StaticRoute(StaticFiles.directory(tmp.resolve("root"))).serve("hello.txt", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).hasValue("text/plain;charset=utf-8");
    }
}
