package dev.coda.tasks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

    @Test
    void idsAreVersion7WithTheCurrentTimeAndTheRfcVariant() {
        long before = System.currentTimeMillis();
        var id = TaskIds.nextUuid();
        long after = System.currentTimeMillis();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after + 1);
        assertThat(TaskIds.next()).hasSize(36);
    }

    @Test
    void idsAsTextSortInTheOrderTheyWereMade() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(TaskIds.next());
        }
        assertThat(ids).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void theRandomBitsOfIdsMadeInOneMillisecondShareNoPattern() {
        var low = new HashSet<Long>();
        var highBits = new HashSet<Long>();
        for (int i = 0; i < 1_000; i++) {
            long lsb = TaskIds.nextUuid().getLeastSignificantBits();
            low.add(lsb);
            highBits.add(lsb >>> 48);
        }
        assertThat(low).hasSize(1_000);
        assertThat(highBits).as("not a counter: the top 16 random bits vary").hasSizeGreaterThan(900);
    }

    @Test
    void idsMadeAtTheSameTimeOnManyThreadsAreUniqueAndIncreaseOnEachThread() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        var results = new ArrayList<Future<List<UUID>>>();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit((Callable<List<UUID>>) () -> {
                    var ids = new ArrayList<UUID>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        ids.add(TaskIds.nextUuid());
                    }
                    return ids;
                }));
            }
        }
        var timeAndCounter = new HashSet<Long>();
        for (var result : results) {
            var ids = result.get();
            for (int i = 1; i < ids.size(); i++) {
                assertThat(ids.get(i).getMostSignificantBits()).isGreaterThan(ids.get(i - 1).getMostSignificantBits());
            }
            ids.forEach(id -> timeAndCounter.add(id.getMostSignificantBits()));
        }
        assertThat(timeAndCounter).hasSize(threads * perThread);
    }
}
