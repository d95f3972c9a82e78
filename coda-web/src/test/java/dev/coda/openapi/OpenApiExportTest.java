package dev.coda.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.OpenApiExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document written to a file at build time, from a static method that returns the app. */
class OpenApiExportTest {

    public static final class Shop {
        @Get("/")
        public Map<String, String> root() {
            return Map.of("Hello", "World");
        }

        public static Coda.Builder app() {
            return Coda.app().routes(new Shop()).openapi(doc -> doc.title("Shop"));
        }

        public static String notAnApp() {
            return "no";
        }
    }

    @Test
    void theDocumentOfTheAppTheMethodReturnsIsWrittenToTheFileInItsFolder(@TempDir Path dir) throws Exception {
        var file = dir.resolve("target/openapi.json");

        OpenApiExport.main(new String[] {Shop.class.getName() + "#app", file.toString()});

        assertThat(Files.readString(file)).isEqualTo(Shop.app().build().openapi()).contains("\"title\":\"Shop\"");
    }

    @Test
    void aMethodThatDoesNotReturnAnAppIsNamedInTheError(@TempDir Path dir) {
        var file = dir.resolve("openapi.json").toString();

        assertThatThrownBy(() -> OpenApiExport.main(new String[] {Shop.class.getName() + "#notAnApp", file}))
                .hasMessageContaining("#notAnApp returns neither a Coda nor a Coda.Builder");
        assertThatThrownBy(() -> OpenApiExport.main(new String[] {Shop.class.getName() + "#missing", file}))
                .hasMessageContaining("no static method");
    }
}
