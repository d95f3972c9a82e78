package dev.coda.durable.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.NewTask;
import dev.coda.durable.TaskEngineException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quorum queues by default, one a priority level, claimed highest level first; classic priority queues with
 * {@code queue-type=classic}; a queue of the other type already on the broker is refused, naming it and the option.
 */
class QueueTypesTest {

    @TempDir
    Path dir;

    private static NewTask task(int priority) {
        return new NewTask("Jobs.x", "[" + priority + "]", "default", priority, null, null, 3);
    }

    /** Enqueues tasks of priorities 0, 5, 9, 3 and returns the claim order of their priorities. */
    private static List<Integer> claimOrder(TaskEngine engine) {
        var ids = engine.enqueue(List.of(task(0), task(5), task(9), task(3)));
        var order = new ArrayList<Integer>();
        for (var claimed : engine.claim("w", List.of("default"), 10, Duration.ofSeconds(30))) {
            order.add(List.of(0, 5, 9, 3).get(ids.indexOf(claimed.id())));
        }
        return order;
    }

    /** Whether the broker accepts declaring {@code queue} again with {@code arguments} (an equivalent declaration). */
    private static boolean declaredAs(RabbitFixture rabbit, String queue, Map<String, Object> arguments) throws Exception {
        var factory = new ConnectionFactory();
        factory.setUri(rabbit.broker);
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, arguments);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    @Test
    void quorumQueuesOneAPriorityLevelAreClaimedHighestFirst() throws Exception {
        try (var rabbit = new RabbitFixture(); var engine = rabbit.open(TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            assertThat(claimOrder(engine)).containsExactly(9, 5, 3, 0);
            assertThat(declaredAs(rabbit, rabbit.prefix + ".queue-p9.default", Map.of("x-queue-type", "quorum"))).isTrue();
            assertThat(declaredAs(rabbit, rabbit.prefix + ".queue.default", Map.of("x-queue-type", "quorum"))).isTrue();
        }
    }

    @Test
    void classicPriorityQueuesWhenTheUrlAsks() throws Exception {
        try (var rabbit = new RabbitFixture();
                var engine = RabbitTaskEngine.open(rabbit.url() + "&queue-type=classic", TaskEngine.sqlite(dir.resolve("tasks.db")))) {
            assertThat(claimOrder(engine)).containsExactly(9, 5, 3, 0);
            assertThat(declaredAs(rabbit, rabbit.prefix + ".queue.default", Map.of("x-max-priority", 9))).isTrue();
            var done = engine.claim("w", List.of("default"), 1, Duration.ofSeconds(30));
            assertThat(done).extracting(ClaimedTask::id).isEmpty();
        }
    }

    @Test
    void aQueueOfTheOtherTypeIsRefusedNamingTheQueueAndTheOption() throws Exception {
        try (var rabbit = new RabbitFixture()) {
            RabbitTaskEngine.open(rabbit.url() + "&queue-type=classic", TaskEngine.sqlite(dir.resolve("a.db"))).close();
            assertThatThrownBy(() -> rabbit.open(TaskEngine.sqlite(dir.resolve("b.db"))))
                    .isInstanceOf(TaskEngineException.class)
                    .hasMessageContaining("queue '" + rabbit.prefix + ".failed' exists as a classic queue")
                    .hasMessageContaining("queue-type=classic")
                    .satisfies(e -> assertThat(((TaskEngineException) e).unavailable()).as("a configuration error, not an outage").isFalse());
        }
    }
}
