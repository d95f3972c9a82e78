package dev.coda.durable.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.redis.RedisUrl.Topology;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The URLs of the Redis engine, taken apart without connecting: one server, Sentinel, Cluster. */
class RedisUrlTest {

    private static RedisCredentials credentials(RedisURI uri) {
        return uri.getCredentialsProvider().resolveCredentials().block();
    }

    @Test
    void oneServerWithItsDatabaseAndPrefix() {
        var url = RedisUrl.parse("redis://127.0.0.1:6379/2?prefix=app");
        assertThat(url.topology()).isEqualTo(Topology.STANDALONE);
        assertThat(url.prefix()).isEqualTo("app");
        var server = url.servers().get(0);
        assertThat(server.getHost()).isEqualTo("127.0.0.1");
        assertThat(server.getPort()).isEqualTo(6379);
        assertThat(server.getDatabase()).isEqualTo(2);
        assertThat(url.describe()).isEqualTo("Redis 127.0.0.1:6379, prefix app");
    }

    @Test
    void thePrefixDefaultsToCodaAndLettucesParametersPassOn() {
        var url = RedisUrl.parse("rediss://user:secret@cache.example:6380?timeout=3s&clientName=web");
        assertThat(url.prefix()).isEqualTo("coda");
        var server = url.servers().get(0);
        assertThat(server.isSsl()).isTrue();
        assertThat(credentials(server).getUsername()).isEqualTo("user");
        assertThat(credentials(server).getPassword()).containsExactly("secret".toCharArray());
        assertThat(server.getTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(server.getClientName()).isEqualTo("web");
    }

    @Test
    void sentinelInLettucesForm() {
        var url = RedisUrl.parse("redis-sentinel://s1:26379,s2:26380/1?sentinelMasterId=mymaster&prefix=jobs");
        assertThat(url.topology()).isEqualTo(Topology.SENTINEL);
        assertThat(url.prefix()).isEqualTo("jobs");
        var server = url.servers().get(0);
        assertThat(server.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(server.getDatabase()).isEqualTo(1);
        assertThat(server.getSentinels()).extracting(s -> s.getHost() + ":" + s.getPort()).containsExactly("s1:26379", "s2:26380");
        assertThat(url.describe()).isEqualTo("Redis Sentinel mymaster via s1:26379,s2:26380, prefix jobs");
    }

    @Test
    void clusterAsAListOfNodesEachWithTheCredentials() {
        var url = RedisUrl.parse("redis+cluster://:secret@h1:7000,h2:7001,h3:7002?prefix=app");
        assertThat(url.topology()).isEqualTo(Topology.CLUSTER);
        assertThat(url.prefix()).isEqualTo("app");
        assertThat(url.servers()).extracting(s -> s.getHost() + ":" + s.getPort()).containsExactly("h1:7000", "h2:7001", "h3:7002");
        assertThat(url.servers()).allSatisfy(s -> assertThat(credentials(s).getPassword()).containsExactly("secret".toCharArray()));
        assertThat(RedisUrl.parse("rediss+cluster://h1:7000").servers().get(0).isSsl()).isTrue();
        assertThat(url.describe()).isEqualTo("Redis Cluster h1:7000,h2:7001,h3:7002, prefix app");
    }

    @Test
    void theProviderAcceptsTheRedisSchemesOnly() {
        var provider = new RedisEngineProvider();
        assertThat(provider.accepts("redis://h:6379")).isTrue();
        assertThat(provider.accepts("redis-sentinel://h:26379?sentinelMasterId=m")).isTrue();
        assertThat(provider.accepts("redis+cluster://h:7000")).isTrue();
        assertThat(provider.accepts("amqp://h:5672")).isFalse();
        assertThat(provider.accepts("jdbc:postgresql://h/db")).isFalse();
        assertThat(RedisUrl.parse(provider.example()).prefix()).isEqualTo("coda");
    }

    @Test
    void unknownParametersEmptyPrefixesAndDatabasesOnAClusterAreRefusedWithoutThePassword() {
        assertThatThrownBy(() -> RedisUrl.parse("redis://:hunter2@h:6379?prefx=app"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter 'prefx'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisUrl.parse("redis://h:6379?prefix=")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> RedisUrl.parse("redis://h:6379?prefix=a{b}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("braces");
        assertThatThrownBy(() -> RedisUrl.parse("redis+cluster://h1:7000,h2:7001/3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database 0");
    }
}
