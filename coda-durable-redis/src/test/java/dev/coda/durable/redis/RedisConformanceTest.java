package dev.coda.durable.redis;

import dev.coda.durable.EngineConformance;
import dev.coda.durable.TaskEngine;

/**
 * The engine conformance suite on Redis: each test under a key prefix of its own on the test server, its keys deleted
 * after (skipped without a server, failing under {@code CI=true}). Engines are opened by URL, as applications do.
 */
class RedisConformanceTest extends EngineConformance {

    private RedisStore store;

    @Override
    protected TaskEngine newEngine() {
        store = RedisStore.fresh();
        return TaskEngine.fromUrl(store.url());
    }

    @Override
    protected TaskEngine anotherEngine() {
        return TaskEngine.fromUrl(store.url());
    }

    @Override
    protected void dropStore() {
        if (store != null) { // null when the test was skipped for want of a server
            store.drop();
        }
    }
}
