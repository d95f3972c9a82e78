package dev.coda.durable.rabbitmq;

import dev.coda.durable.EngineConformance;
import dev.coda.durable.EngineFixture;
import dev.coda.durable.EngineKind;
import dev.coda.durable.TaskEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine conformance suite on RabbitMQ: each test under a prefix of its own (its queues and exchanges deleted
 * after), its store a SQLite file in a temporary folder or a PostgreSQL schema of its own (skipped without a broker or
 * PostgreSQL, failing under {@code CI=true}).
 */
@ParameterizedClass(name = "store {0}")
@EnumSource(EngineKind.class)
class RabbitConformanceTest extends EngineConformance {

    @Parameter
    EngineKind storeKind;

    @TempDir
    Path dir;

    private RabbitFixture rabbit;
    private EngineFixture store;

    @Override
    protected TaskEngine newEngine() {
        rabbit = new RabbitFixture();
        store = EngineFixture.create(storeKind, dir);
        return rabbit.open(store.open());
    }

    @Override
    protected TaskEngine anotherEngine() {
        return rabbit.open(store.open());
    }

    @Override
    protected void dropStore() throws Exception {
        try {
            rabbit.close();
        } finally {
            store.close();
        }
    }
}
