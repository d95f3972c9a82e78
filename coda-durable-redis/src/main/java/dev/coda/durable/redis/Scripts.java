package dev.coda.durable.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The engine's Lua scripts, read from the resources next to this class with {@code common.lua} in front, run by their
 * SHA-1 ({@code EVALSHA}); a server that does not know a script yet (a restart, a new Cluster node) gets its text once
 * ({@code EVAL}, which also caches it).
 *
 * <pre>{@code
 * List<Object> claimed = scripts.run(Script.CLAIM, commands, ScriptOutputType.MULTI, new String[] {base}, args).get();
 * }</pre>
 */
final class Scripts {

    /** One script: its file's name. */
    enum Script {
        ENQUEUE, CLAIM, EXTEND, COMPLETE, RELEASE, CANCEL, REQUEUE, DELETE, COUNTS, PURGE, REGISTER, HEARTBEAT, STATS;

        private final String text = load("common.lua") + "\n" + load(name().toLowerCase() + ".lua");
        private final String sha = sha1(text);
    }

    private Scripts() {
    }

    /** Runs {@code script} with {@code keys} and {@code args}; its result as {@code type} says. */
    static <T> CompletionStage<T> run(Script script, RedisClusterAsyncCommands<String, String> commands, ScriptOutputType type,
                                      String[] keys, String... args) {
        RedisFuture<T> bySha = commands.evalsha(script.sha, type, keys, args);
        return bySha.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            var cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (cause instanceof RedisNoScriptException) {
                RedisFuture<T> byText = commands.eval(script.text, type, keys, args);
                return byText.toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    private static String load(String file) {
        try (var in = Scripts.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file + " next to " + Scripts.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
