package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which role a process runs: {@code --role}, else {@code CODA_ROLE}, else all. */
class RoleTest {

    private static Role of(Map<String, String> environment, String... args) {
        return Role.of(args, environment);
    }

    @Test
    void theArgumentNamesTheRoleInEitherSpellingWhateverTheOtherArgumentsAre() {
        assertThat(of(Map.of(), "--role", "web")).isEqualTo(Role.WEB);
        assertThat(of(Map.of(), "--work-delay", "2s", "--role=worker")).isEqualTo(Role.WORKER);
        assertThat(of(Map.of(), "--role", " ALL ")).isEqualTo(Role.ALL);
    }

    @Test
    void theArgumentWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        assertThat(of(Map.of("CODA_ROLE", "worker"), "--role", "web")).isEqualTo(Role.WEB);
        assertThat(of(Map.of("CODA_ROLE", "worker"))).isEqualTo(Role.WORKER);
        assertThat(of(Map.of("CODA_ROLE", " "))).isEqualTo(Role.ALL);
        assertThat(of(Map.of())).isEqualTo(Role.ALL);
    }

    @Test
    void anUnknownOrMissingRoleIsAClearError() {
        assertThatThrownBy(() -> of(Map.of(), "--role", "wroker")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown role 'wroker' (--role): web, worker or all");
        assertThatThrownBy(() -> of(Map.of("CODA_ROLE", "api"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown role 'api' (CODA_ROLE): web, worker or all");
        assertThatThrownBy(() -> of(Map.of(), "--role")).hasMessage("--role needs a value: web, worker or all");
        assertThatThrownBy(() -> of(Map.of(), "--role", "--port")).hasMessage("--role needs a value: web, worker or all");
    }

    @Test
    void theWorkerRoleNeedsAWorker() {
        var app = Coda.app().port(0).routes(new RunFixture.Api()).build();
        assertThatThrownBy(() -> app.run("--role", "worker")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the worker role needs a worker");
    }
}
