package dev.coda.durable;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The engine conformance suite on a SQLite file in a temporary folder. */
class SqliteConformanceTest extends EngineConformance {

    @TempDir
    Path dir;

    private EngineFixture fixture;

    @Override
    protected TaskEngine newEngine() {
        fixture = EngineFixture.create(EngineKind.SQLITE, dir);
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
