package dev.coda.durable.redis;

import dev.coda.testsupport.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.util.UUID;

/**
 * A key prefix of one test on the test server: its engine URL, and the deletion of its keys (and only its keys) after.
 *
 * <pre>{@code
 * var store = RedisStore.fresh();
 * TaskEngine engine = TaskEngine.fromUrl(store.url());
 * store.drop();
 * }</pre>
 */
final class RedisStore {

    private final String server;
    private final String prefix;

    private RedisStore(String server, String prefix) {
        this.server = server;
        this.prefix = prefix;
    }

    /** A new prefix, {@code coda-test-<random>}; skips the test without a server (fails under CI=true). */
    static RedisStore fresh() {
        return new RedisStore(TestRedis.url(), "coda-test-" + UUID.randomUUID().toString().substring(0, 13));
    }

    String url() {
        return server + "?prefix=" + prefix;
    }

    String prefix() {
        return prefix;
    }

    /** Deletes the keys under the prefix (a SCAN of this prefix only: never FLUSHDB on the shared server). */
    void drop() {
        var client = RedisClient.create(server);
        try (var connection = client.connect()) {
            var commands = connection.sync();
            var args = ScanArgs.Builder.matches(prefix + ":*").limit(1000);
            var cursor = commands.scan(args);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    commands.unlink(cursor.getKeys().toArray(String[]::new));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = commands.scan(ScanCursor.of(cursor.getCursor()), args);
            }
        } finally {
            client.shutdown();
        }
    }
}
