package dev.coda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.Coda;
import dev.coda.Get;
import dev.coda.Response;
import org.junit.jupiter.api.Test;

class InternalsTest {

    public static final class Hello {
        @Get("/")
        public String hello() {
            return "hello";
        }
    }

    @Test
    void theAccessorsAreSetByTheirOwnersAndCannotBeReplaced() {
        var app = Coda.app().routes(new Hello()).build();
        assertThat(Internals.runtime(app).application()).isNotNull();
        assertThat(Internals.streamOf(Response.ok("x"))).isNull();

        assertThatThrownBy(() -> Internals.setAccess(coda -> null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set once");
        assertThatThrownBy(() -> Internals.setResponseStreams(response -> null)).isInstanceOf(IllegalStateException.class);
        assertThat(Internals.runtime(app).application()).as("still the owner's accessor").isNotNull();
    }
}
