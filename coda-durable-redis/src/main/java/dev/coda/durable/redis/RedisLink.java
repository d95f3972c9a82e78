package dev.coda.durable.redis;

import dev.coda.durable.TaskEngineException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's connections through Lettuce: one shared connection for commands (Lettuce pipelines the commands of
 * concurrent callers on it) and one for pub/sub, to one server, a Sentinel-watched primary or a Cluster. Turns
 * Lettuce's failures into {@link TaskEngineException}s, unavailable when the server cannot be reached.
 *
 * <pre>{@code
 * try (var link = RedisLink.open(RedisUrl.parse("redis://127.0.0.1:6379"))) {
 *     long n = link.await(link.commands().hlen("coda:{coda}:ids"), "count tasks");
 * }
 * }</pre>
 */
final class RedisLink implements AutoCloseable {

    /** How long a command may take before the call fails as unavailable: as long as a JDBC engine waits for its database. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Lettuce's words, in a plain RedisException, for a command failed because the connection is gone or going. */
    private static final java.util.regex.Pattern LOST_CONNECTION = java.util.regex.Pattern.compile(
            "Connection (closed|disconnected|reset)|not connected|rejected", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** When callers refused because Redis is unreachable may try again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final RedisUrl url;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;

    private RedisLink(RedisUrl url, AbstractRedisClient client, StatefulConnection<String, String> connection,
                      RedisClusterAsyncCommands<String, String> commands, StatefulRedisPubSubConnection<String, String> pubSub) {
        this.url = url;
        this.client = client;
        this.connection = connection;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /** Connects to the servers of {@code url}. */
    static RedisLink open(RedisUrl url) {
        var timeouts = TimeoutOptions.enabled(COMMAND_TIMEOUT);
        AbstractRedisClient client = null;
        try {
            if (url.topology() == RedisUrl.Topology.CLUSTER) {
                var cluster = RedisClusterClient.create(url.servers());
                client = cluster;
                cluster.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
                var connection = cluster.connect();
                return new RedisLink(url, cluster, connection, connection.async(), cluster.connectPubSub());
            }
            var single = RedisClient.create(url.servers().get(0));
            client = single;
            // while the connection is down, calls fail at once as unavailable (a 503) instead of queueing until their timeout
            single.setOptions(ClientOptions.builder().timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            var connection = single.connect();
            return new RedisLink(url, single, connection, connection.async(), single.connectPubSub());
        } catch (RedisException e) {
            if (client != null) {
                client.shutdown();
            }
            throw new TaskEngineException("could not connect to " + url.describe() + ": " + e.getMessage(), e, RETRY_AFTER);
        }
    }

    /** The commands, asynchronous: several sent before the first answer are one pipeline. */
    RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
    }

    /** The answer of {@code command}, or a {@link TaskEngineException} saying what could not be done. */
    <T> T await(CompletionStage<T> command, String what) {
        try {
            return command.toCompletableFuture().get(COMMAND_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskEngineException("interrupted while waiting to " + what + " (" + url.describe() + ")", e);
        } catch (ExecutionException | CompletionException e) {
            throw failure(what, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw failure(what, e);
        }
    }

    /** Every answer of {@code commands}, sent together. */
    <T> List<T> awaitAll(List<? extends CompletionStage<T>> commands, String what) {
        return commands.stream().map(c -> await(c, what)).toList();
    }

    /** The engine's exception for a failed command: unavailable when Redis could not be reached or answer in time. */
    TaskEngineException failure(String what, Throwable e) {
        var message = "could not " + what + " (" + url.describe() + "): " + e.getMessage();
        return unreachable(e) ? new TaskEngineException(message, e, RETRY_AFTER) : new TaskEngineException(message, e);
    }

    /** Whether {@code e} or a cause says Redis could not be reached: the connection failed, was reset or closed, or timed out. */
    private static boolean unreachable(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            // a command in flight when the server dies fails with the channel's IOException (reset, closed)
            if (cause instanceof RedisConnectionException || cause instanceof RedisCommandTimeoutException
                    || cause instanceof TimeoutException || cause instanceof RedisLoadingException
                    || cause instanceof java.io.IOException
                    || cause instanceof RedisException && cause.getMessage() != null
                    && LOST_CONNECTION.matcher(cause.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }

    String describe() {
        return url.describe();
    }

    @Override
    public void close() {
        pubSub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
