package dev.coda.durable;

import java.nio.file.Path;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * A test class run once per engine: annotate it {@code @ParameterizedClass @EnumSource(EngineKind.class)}.
 * Each test gets a fresh database ({@link #fixture}) and an engine on it ({@link #engine}).
 */
abstract class EngineTestBase {

    @Parameter
    EngineKind kind;

    @TempDir
    Path dir;

    EngineFixture fixture;
    TaskEngine engine;

    @BeforeEach
    void openEngine() {
        fixture = EngineFixture.create(kind, dir);
        engine = fixture.open();
    }

    @AfterEach
    void closeEngine() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    static ConditionFactory await() {
        return EngineConformance.await();
    }

    static TaskEngine.NewTask task(String name, String args) {
        return EngineConformance.task(name, args);
    }
}
