package dev.coda.durable;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The engine conformance suite on a PostgreSQL schema of its own per test, dropped after (skipped without a server, failing under CI=true). */
class PostgresConformanceTest extends EngineConformance {

    @TempDir
    Path dir;

    private EngineFixture fixture;

    @Override
    protected TaskEngine newEngine() {
        fixture = EngineFixture.create(EngineKind.POSTGRES, dir);
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
