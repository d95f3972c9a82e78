package dev.coda;

import dev.coda.internal.binding.SettingsBinder;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Typed settings, pydantic-settings' role: a record bound from environment variables, system properties and an optional
 * properties file, every problem reported at once. A component {@code databaseUrl} is read from the environment variable
 * {@code DATABASE_URL}, else the system property {@code database.url}, else {@code database.url} in the file, else its
 * {@link Default}; with a prefix {@code app}, from {@code APP_DATABASE_URL} and {@code app.database.url}. Values convert
 * as query parameters do (numbers, booleans, UUIDs, enums, dates); a {@code List} is comma-separated; an {@code Optional}
 * or a {@code List} may be missing.
 *
 * <pre>{@code
 * record AppSettings(String databaseUrl, @Default("8000") int port, @Default("false") boolean debug, List<String> admins) {}
 *
 * AppSettings settings = Settings.of(AppSettings.class).file(Path.of("app.properties")).load();
 * Coda.app().settings(settings).port(settings.port()).routes(new Shop()).run();   // AppSettings is injectable
 * }</pre>
 *
 * A test gives its own sources instead of the process's: {@code Settings.of(AppSettings.class).environment(Map.of(...))}.
 *
 * @param <T> the settings record
 */
public final class Settings<T extends Record> {

    private final Class<T> type;
    private String prefix = "";
    private Path file;
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties = System.getProperties();

    private Settings(Class<T> type) {
        this.type = type;
    }

    /** Settings of the record {@code type}, read from the process's environment and system properties. */
    public static <T extends Record> Settings<T> of(Class<T> type) {
        return new Settings<>(Objects.requireNonNull(type, "type"));
    }

    /** A prefix for every name: {@code "app"} reads {@code APP_PORT} and {@code app.port}. */
    public Settings<T> prefix(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /** A properties file (UTF-8), read after the environment and system properties; a file that does not exist is skipped. */
    public Settings<T> file(Path properties) {
        this.file = Objects.requireNonNull(properties, "properties");
        return this;
    }

    /** The environment variables to read instead of {@code System.getenv()}. */
    public Settings<T> environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return this;
    }

    /** The system properties to read instead of {@code System.getProperties()}. */
    public Settings<T> systemProperties(Properties properties) {
        this.systemProperties = Objects.requireNonNull(properties, "properties");
        return this;
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalStateException listing every missing or invalid value ({@code "PORT: Input should be a valid integer,
     *     unable to parse string as an integer: 'abc' (from the environment variable PORT)"}), or if the file cannot be read
     */
    public T load() {
        Properties fromFile = null;
        if (file != null) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                fromFile = new Properties();
                fromFile.load(reader);
            } catch (NoSuchFileException missing) {
                fromFile = null;
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("Coda cannot start: the settings file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return SettingsBinder.bind(type, prefix, environment, systemProperties, fromFile, fromFile == null ? null : file.toString());
    }
}
