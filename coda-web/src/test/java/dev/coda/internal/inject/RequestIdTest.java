package dev.coda.internal.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void generatedRequestIdsAreDistinctVersion4Uuids() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            var text = RequestState.newId();
            var uuid = UUID.fromString(text);
            assertThat(uuid.toString()).isEqualTo(text);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            seen.add(text);
        }
        assertThat(seen).hasSize(10_000);
    }
}
