package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.durable.TaskEngine;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code amqp://} URL: the broker, the prefix, the queue type, and the store from the URL, the environment or the default. */
class RabbitSettingsTest {

    private static final Path HERE = Path.of("/srv/app");

    @Test
    void defaultsArePrefixCodaAndSqliteInTheWorkingDirectory() {
        var settings = RabbitSettings.parse("amqp://guest:guest@127.0.0.1:5672/%2F", Map.of(), HERE);
        assertThat(settings.brokerUri()).isEqualTo("amqp://guest:guest@127.0.0.1:5672/%2F");
        assertThat(settings.prefix()).isEqualTo("coda");
        assertThat(settings.storeUrl()).isEqualTo("jdbc:sqlite:/srv/app/coda-tasks.db");
    }

    @Test
    void theUrlsStoreWinsOverTheVariableAndClientParametersPassThrough() {
        var env = Map.of(RabbitSettings.STORE_VARIABLE, "jdbc:postgresql://db/env");
        assertThat(RabbitSettings.parse("amqp://h/%2F?prefix=app", env, HERE).storeUrl()).isEqualTo("jdbc:postgresql://db/env");
        var settings = RabbitSettings.parse("amqp://h/%2F?prefix=app&store=jdbc%3Apostgresql%3A%2F%2Fdb%2Fapp%3Fuser%3Dapp&heartbeat=5",
                env, HERE);
        assertThat(settings.storeUrl()).isEqualTo("jdbc:postgresql://db/app?user=app");
        assertThat(settings.prefix()).isEqualTo("app");
        assertThat(settings.brokerUri()).isEqualTo("amqp://h/%2F?heartbeat=5");
    }

    @Test
    void queuesAreQuorumUnlessTheUrlSaysClassic() {
        assertThat(RabbitSettings.parse("amqp://h/%2F", Map.of(), HERE).queueType()).isEqualTo(Topology.QueueType.QUORUM);
        var classic = RabbitSettings.parse("amqp://h/%2F?queue-type=classic&heartbeat=5", Map.of(), HERE);
        assertThat(classic.queueType()).isEqualTo(Topology.QueueType.CLASSIC);
        assertThat(classic.brokerUri()).as("not passed to the client").isEqualTo("amqp://h/%2F?heartbeat=5");
        assertThatThrownBy(() -> RabbitSettings.parse("amqp://h/%2F?queue-type=stream", Map.of(), HERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue-type is quorum or classic");
    }

    @Test
    void enqueueWaitsForConfirmsUnlessTheUrlSaysBackground() {
        assertThat(RabbitSettings.parse("amqp://h/%2F", Map.of(), HERE).confirmInBackground()).isFalse();
        assertThat(RabbitSettings.parse("amqp://h/%2F?confirm=wait", Map.of(), HERE).confirmInBackground()).isFalse();
        var background = RabbitSettings.parse("amqp://h/%2F?confirm=background&heartbeat=5", Map.of(), HERE);
        assertThat(background.confirmInBackground()).isTrue();
        assertThat(background.brokerUri()).as("not passed to the client").isEqualTo("amqp://h/%2F?heartbeat=5");
        assertThatThrownBy(() -> RabbitSettings.parse("amqp://h/%2F?confirm=never", Map.of(), HERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confirm is wait or background");
    }

    @Test
    void unknownParametersAndBadPrefixesAreRefusedWithoutThePassword() {
        assertThatThrownBy(() -> RabbitSettings.parse("amqp://u:secret@h/%2F?prefixx=a", Map.of(), HERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefixx").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RabbitSettings.parse("amqp://h/%2F?prefix=a%20b", Map.of(), HERE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }

    @Test
    void theProviderOpensAmqpUrlsThroughTaskEngineFromUrl() {
        var provider = new RabbitEngineProvider();
        assertThat(provider.accepts("amqp://h/%2F")).isTrue();
        assertThat(provider.accepts("amqps://h/%2F")).isTrue();
        assertThat(provider.accepts("redis://h")).isFalse();
        assertThatThrownBy(() -> TaskEngine.fromUrl("amqp://h/%2F?bogus=1")).as("found by ServiceLoader, which parses it")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus");
    }
}
