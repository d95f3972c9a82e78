package dev.coda.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.coda.tasks.TaskOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Options built where durable tasks are enqueued, outside {@code dev.coda.tasks}. */
class TaskOptionsTest {

    @Test
    void eachWitherChangesOneOptionAndKeepsTheOthers() {
        var runAt = Instant.parse("2026-12-04T10:00:00Z");

        var options = TaskOptions.DEFAULT.withQueue("reports").withPriority(10).withRunAt(runAt).withUniqueKey("report:7")
                .withMaxAttempts(3).withTimeout(Duration.ofMinutes(2));

        assertThat(options).isEqualTo(new TaskOptions("reports", 10, runAt, "report:7", 3, Duration.ofMinutes(2)));
        assertThat(TaskOptions.DEFAULT).as("unchanged").isEqualTo(new TaskOptions("default", 0, null, null, 0, null));
    }

    @Test
    void withersCheckTheirValueAsTheConstructorDoes() {
        assertThatIllegalArgumentException().isThrownBy(() -> TaskOptions.DEFAULT.withQueue(" "));
        assertThatIllegalArgumentException().isThrownBy(() -> TaskOptions.DEFAULT.withMaxAttempts(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> TaskOptions.DEFAULT.withTimeout(Duration.ZERO));
    }
}
