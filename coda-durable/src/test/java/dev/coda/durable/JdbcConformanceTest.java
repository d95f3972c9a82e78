package dev.coda.durable;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine conformance suite on the JDBC engines: SQLite on a file in a temporary folder, PostgreSQL in a schema of
 * its own per test, dropped after (skipped without a server, failing under {@code CI=true}).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class JdbcConformanceTest extends EngineConformance {

    @Parameter
    EngineKind kind;

    @TempDir
    Path dir;

    private EngineFixture fixture;

    @Override
    protected TaskEngine newEngine() {
        fixture = EngineFixture.create(kind, dir);
        return fixture.open();
    }

    @Override
    protected TaskEngine anotherEngine() {
        return fixture.open();
    }

    @Override
    protected void dropStore() throws Exception {
        fixture.close();
    }
}
