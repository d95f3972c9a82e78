package dev.coda.durable.redis;

import io.lettuce.core.RedisURI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Redis engine URL taken apart: its topology, the Lettuce URIs of its servers, and the key prefix.
 *
 * <pre>{@code
 * redis://127.0.0.1:6379/0?prefix=app                          one server (rediss:// with TLS)
 * redis-sentinel://s1:26379,s2:26379/0?sentinelMasterId=mymaster&prefix=app   Lettuce's Sentinel form
 * redis+cluster://h1:6379,h2:6379?prefix=app                   a Cluster, any of its nodes (rediss+cluster:// with TLS)
 * }</pre>
 *
 * The {@code prefix} parameter (default {@code coda}) is Coda's; the other parameters are Lettuce's ({@code timeout},
 * {@code clientName}, {@code sentinelMasterId}...), passed on.
 */
record RedisUrl(Topology topology, List<RedisURI> servers, String prefix) {

    /** How the servers are arranged. */
    enum Topology {
        STANDALONE, SENTINEL, CLUSTER
    }

    static final String DEFAULT_PREFIX = "coda";

    /** Lettuce's URI parameters that may follow Coda's {@code prefix}. */
    private static final Set<String> LETTUCE_PARAMETERS = Set.of("timeout", "database", "db", "clientName", "libraryName",
            "libraryVersion", "sentinelMasterId", "verifyPeer");

    private static final List<String> SCHEMES = List.of("redis://", "rediss://", "redis-socket://", "redis-sentinel://",
            "rediss-sentinel://", "redis+cluster://", "rediss+cluster://");

    RedisUrl {
        servers = List.copyOf(servers);
    }

    /** Whether {@code url} is a Redis URL, by its scheme. */
    static boolean accepts(String url) {
        return SCHEMES.stream().anyMatch(url::startsWith);
    }

    /**
     * Parses {@code url}.
     *
     * @throws IllegalArgumentException if it is not a Redis URL, names an unknown parameter or has an empty prefix
     */
    static RedisUrl parse(String url) {
        if (!accepts(url)) {
            throw new IllegalArgumentException("not a Redis URL (" + String.join(", ", SCHEMES) + "): " + redact(url));
        }
        int query = url.indexOf('?');
        var base = query < 0 ? url : url.substring(0, query);
        var prefix = DEFAULT_PREFIX;
        var passed = new ArrayList<String>();
        if (query >= 0) {
            for (var pair : url.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                var name = eq < 0 ? pair : pair.substring(0, eq);
                if (name.equals("prefix")) {
                    prefix = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
                } else if (LETTUCE_PARAMETERS.contains(name)) {
                    passed.add(pair);
                } else {
                    throw new IllegalArgumentException("unknown parameter '" + name + "' in " + redact(url)
                            + " (known: prefix, " + String.join(", ", LETTUCE_PARAMETERS) + ")");
                }
            }
        }
        if (prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("the prefix must be a non-empty name without braces: " + redact(url));
        }
        var rest = passed.isEmpty() ? "" : "?" + String.join("&", passed);
        try {
            if (base.startsWith("redis+cluster://") || base.startsWith("rediss+cluster://")) {
                return new RedisUrl(Topology.CLUSTER, clusterNodes(base, rest), prefix);
            }
            var uri = RedisURI.create(base + rest);
            return new RedisUrl(uri.getSentinels().isEmpty() ? Topology.STANDALONE : Topology.SENTINEL, List.of(uri), prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed Redis URL " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /** {@code redis+cluster://[user:pass@]h1:p1,h2:p2} as one {@code redis://} URI a node, the credentials on each. */
    private static List<RedisURI> clusterNodes(String base, String rest) {
        boolean tls = base.startsWith("rediss+");
        var authority = base.substring(base.indexOf("://") + 3);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.contains("/")) {
            throw new IllegalArgumentException("a Cluster has database 0 only: no /<db> in the URL");
        }
        int at = authority.lastIndexOf('@');
        var credentials = at < 0 ? "" : authority.substring(0, at + 1);
        var nodes = new ArrayList<RedisURI>();
        for (var node : authority.substring(at + 1).split(",")) {
            if (node.isBlank()) {
                throw new IllegalArgumentException("an empty node in the list of Cluster nodes");
            }
            nodes.add(RedisURI.create((tls ? "rediss://" : "redis://") + credentials + node + rest));
        }
        return nodes;
    }

    /** {@code url} without its password, for messages. */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        int colon = url.indexOf(':', scheme + 3);
        var user = colon > 0 && colon < at ? url.substring(scheme + 3, colon) : "";
        return url.substring(0, scheme + 3) + user + ":***" + url.substring(at);
    }

    /** Describes the servers in messages, without credentials: {@code Redis 127.0.0.1:6379, prefix coda}. */
    String describe() {
        var hosts = new ArrayList<String>();
        for (var server : servers) {
            if (server.getSentinels().isEmpty()) {
                hosts.add(server.getHost() + ":" + server.getPort());
            } else {
                server.getSentinels().forEach(s -> hosts.add(s.getHost() + ":" + s.getPort()));
            }
        }
        var kind = switch (topology) {
            case STANDALONE -> "Redis ";
            case SENTINEL -> "Redis Sentinel " + servers.get(0).getSentinelMasterId() + " via ";
            case CLUSTER -> "Redis Cluster ";
        };
        return kind + String.join(",", hosts) + ", prefix " + prefix;
    }
}
