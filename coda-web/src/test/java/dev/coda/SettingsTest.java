package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.testing.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings records: names, precedence (environment, system properties, file, default), conversions, every problem at once. */
class SettingsTest {

    enum Mode { dev, prod }

    record AppSettings(String databaseUrl, @Default("8000") int port, @Default("false") boolean debug, List<String> admins,
                       Optional<LocalDate> launch, @Default("dev") Mode mode) {
    }

    @TempDir
    Path dir;

    private static Properties properties(String... keysAndValues) {
        var out = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @Test
    void componentsAreReadFromTheirEnvironmentNamesAndConvertedAsQueryParametersAre() {
        var settings = Settings.of(AppSettings.class).systemProperties(new Properties())
                .environment(Map.of("DATABASE_URL", "jdbc:sqlite:shop.db", "PORT", "9000", "DEBUG", "yes", "ADMINS", "ann, bob",
                        "LAUNCH", "2026-12-24", "MODE", "prod"))
                .load();

        assertThat(settings).isEqualTo(new AppSettings("jdbc:sqlite:shop.db", 9000, true, List.of("ann", "bob"),
                Optional.of(LocalDate.of(2026, 12, 24)), Mode.prod));
    }

    @Test
    void theEnvironmentWinsOverSystemPropertiesWhichWinOverTheFileWhichWinsOverDefaults() throws Exception {
        var file = dir.resolve("app.properties");
        Files.writeString(file, "database.url=from-file\nport=7000\ndebug=true\n");

        var settings = Settings.of(AppSettings.class).file(file)
                .environment(Map.of("DATABASE_URL", "from-env"))
                .systemProperties(properties("database.url", "from-property", "port", "7500"))
                .load();

        assertThat(settings.databaseUrl()).isEqualTo("from-env");
        assertThat(settings.port()).isEqualTo(7500);
        assertThat(settings.debug()).isTrue();
        assertThat(settings.mode()).isEqualTo(Mode.dev);
        assertThat(settings.admins()).isEmpty();
        assertThat(settings.launch()).isEmpty();
    }

    @Test
    void aPrefixAppliesToEveryName() {
        var settings = Settings.of(AppSettings.class).prefix("shop").environment(Map.of("SHOP_DATABASE_URL", "env", "DATABASE_URL", "no"))
                .systemProperties(properties("shop.port", "1234")).load();

        assertThat(settings.databaseUrl()).isEqualTo("env");
        assertThat(settings.port()).isEqualTo(1234);
    }

    @Test
    void everyProblemIsListedAtOnceNamingTheVariableTheValueAndWhereItCameFrom() {
        var load = Settings.of(AppSettings.class).systemProperties(properties("debug", "maybe"))
                .environment(Map.of("PORT", "abc", "ADMINS", "ann", "MODE", "staging"));

        assertThatThrownBy(load::load).isInstanceOf(IllegalStateException.class).hasMessage("""
                Coda cannot start; 4 problem(s) in the settings AppSettings:
                  - DATABASE_URL: missing (environment variable DATABASE_URL, system property database.url)
                  - PORT: Input should be a valid integer, unable to parse string as an integer: 'abc' (from the environment variable PORT)
                  - DEBUG: Input should be a valid boolean, unable to interpret input: 'maybe' (from the system property debug)
                  - MODE: Input should be 'dev' or 'prod': 'staging' (from the environment variable MODE)""");
    }

    record Unsupported(Map<String, String> labels) {
    }

    @Test
    void aComponentOfATypeSettingsCannotHoldIsReported() {
        assertThatThrownBy(() -> Settings.of(Unsupported.class).environment(Map.of()).load())
                .hasMessageContaining("LABELS: a setting is a string, number, boolean, UUID, enum or date");
    }

    public static final class Info {
        @Get("/info")
        public Map<String, Object> info(AppSettings settings) {
            return Map.of("database", settings.databaseUrl(), "port", settings.port());
        }
    }

    @Test
    void theBuilderReadsTheSettingsAtBuildAndInjectsThem() {
        var app = Coda.app(Map.of("DATABASE_URL", "jdbc:postgresql://db/shop")).port(0).settings(AppSettings.class)
                .routes(new Info()).build();
        try (var client = TestClient.of(app)) {
            assertThat(client.get("/info").json()).isEqualTo(Map.of("database", "jdbc:postgresql://db/shop", "port", 8000));
        }
        var loaded = Settings.of(AppSettings.class).environment(Map.of("DATABASE_URL", "given")).systemProperties(new Properties()).load();
        try (var client = TestClient.of(Coda.app().port(0).settings(loaded).routes(new Info()).build())) {
            assertThat(client.get("/info").json()).isEqualTo(Map.of("database", "given", "port", 8000));
        }
        assertThatThrownBy(() -> Coda.app(Map.of("PORT", "1")).settings(AppSettings.class).routes(new Info()).build())
                .hasMessageContaining("DATABASE_URL: missing");
    }
}
