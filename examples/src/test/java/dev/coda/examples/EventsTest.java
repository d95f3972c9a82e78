package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code events} example's contract: N events with data {"n": i}, flushed one by one, FastAPI's 422 for bad input. */
class EventsTest {

    @Test
    void three_events_by_default_numbered_from_zero() {
        try (var client = TestClient.of(Events.app())) {
            var response = client.get("/events");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).hasValue("text/event-stream");
            assertThat(response.header("cache-control")).hasValue("no-cache");
            assertThat(response.text()).isEqualTo("data: {\"n\":0}\n\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\n");
        }
    }

    @Test
    void zero_events_is_an_empty_stream() {
        try (var client = TestClient.of(Events.app())) {
            assertThat(client.get("/events?count=0").text()).isEmpty();
        }
    }

    @Test
    void each_event_arrives_before_the_next_is_produced() throws Exception {
        try (var client = TestClient.overNetwork(Events.app());
             var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // three events a second apart: the first arrives before the stream could have ended (2 s)
            var request = HttpRequest.newBuilder(client.baseUri().resolve("/events?count=3&delay=1")).timeout(Duration.ofSeconds(30)).build();
            long start = System.nanoTime();
            var lines = http.send(request, HttpResponse.BodyHandlers.ofLines()).body().iterator();
            assertThat(lines.next()).isEqualTo("data: {\"n\":0}");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            var rest = new ArrayList<String>();
            lines.forEachRemaining(rest::add);
            assertThat(rest).containsExactly("", "data: {\"n\":1}", "", "data: {\"n\":2}", "");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @ParameterizedTest
    @CsvSource({
            "count=-1, greater_than_equal, count, -1",
            "count=abc, int_parsing, count, abc",
            "delay=-0.5, greater_than_equal, delay, -0.5",
            "delay=soon, float_parsing, delay, soon"})
    void bad_input_gets_fastapis_422(String query, String type, String name, String input) {
        try (var client = TestClient.of(Events.app())) {
            var response = client.get("/events?" + query);
            assertThat(response.status()).isEqualTo(422);
            @SuppressWarnings("unchecked")
            var errors = (List<Map<String, Object>>) ((Map<String, Object>) response.json()).get("detail");
            assertThat(errors).singleElement().satisfies(error -> {
                assertThat(error).containsEntry("type", type).containsEntry("loc", List.of("query", name));
                assertThat(String.valueOf(error.get("input"))).isEqualTo(input);
            });
        }
    }
}
