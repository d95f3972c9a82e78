package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsAreVersion7AndIncreaseInTheOrderTheyAreMade() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(Ids.next());
        }
        assertThat(ids).doesNotHaveDuplicates().isSorted();
        var uuid = UUID.fromString(ids.get(0));
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }
}
