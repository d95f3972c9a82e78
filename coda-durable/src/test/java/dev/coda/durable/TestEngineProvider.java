package dev.coda.durable;

import dev.coda.durable.spi.TaskEngineProvider;
import java.nio.file.Path;

/** An engine module's provider as a test sees it: {@code sqlite-alias:<file>} opens a SQLite engine on the file. */
public final class TestEngineProvider implements TaskEngineProvider {

    private static final String SCHEME = "sqlite-alias:";

    @Override
    public boolean accepts(String url) {
        return url.startsWith(SCHEME);
    }

    @Override
    public TaskEngine open(String url) {
        return TaskEngine.sqlite(Path.of(url.substring(SCHEME.length())));
    }

    @Override
    public String example() {
        return SCHEME + "<file>";
    }
}
