package dev.coda.durable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two worker processes share the tasks; one is killed with SIGKILL while it holds some. Every task must
 * still succeed, the killed worker's tasks being run again by the other once their lease has expired
 * ({@link CrashScenario}, which the engine modules run too).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(EngineKind.class)
class CrashRecoveryTest extends EngineTestBase {

    @Test
    void aWorkerKilledMidTaskLosesNothing() throws Exception {
        CrashScenario.run(engine, fixture.url, kind.toString(), dir);
    }
}
