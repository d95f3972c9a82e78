package dev.coda.internal.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a raw query string becomes {@code Request.queryParams()}: Starlette's parsing, unmodifiable, in request order. */
class QueryStringTest {

    @Test
    void anAbsentOrEmptyQueryHasNoParameters() {
        assertThat(RequestState.parseQuery(null)).isEmpty();
        assertThat(RequestState.parseQuery("")).isEmpty();
    }

    @Test
    void eachParameterHasItsValuesInRequestOrderAndTheParametersKeepTheirFirstPosition() {
        var query = RequestState.parseQuery("a=1&b=2&a=3&c=4&a=5");

        assertThat(query.keySet()).containsExactly("a", "b", "c");
        assertThat(query).containsEntry("a", List.of("1", "3", "5")).containsEntry("b", List.of("2")).containsEntry("c", List.of("4"));
    }

    @Test
    void emptyPairsAreSkippedAndANameWithoutEqualsHasAnEmptyValue() {
        assertThat(RequestState.parseQuery("&&flag&q=x&")).isEqualTo(Map.of("flag", List.of(""), "q", List.of("x")));
    }

    @Test
    void onlyTheFirstEqualsSeparatesTheNameFromTheValue() {
        assertThat(RequestState.parseQuery("a=b=c&=v")).isEqualTo(Map.of("a", List.of("b=c"), "", List.of("v")));
    }

    @Test
    void namesAndValuesArePercentAndPlusDecodedAndAMalformedEscapeIsKeptAsSent() {
        assertThat(RequestState.parseQuery("na%6De=a+b%20c&x=50%zz"))
                .isEqualTo(Map.of("name", List.of("a b c"), "x", List.of("50%zz")));
    }

    @Test
    void theMapAndEveryListAreUnmodifiable() {
        var query = RequestState.parseQuery("one=1&many=1&many=2");

        assertThatThrownBy(() -> query.put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> query.get("one").add("2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> query.get("many").add("3")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(query.get("one").contains(null)).isFalse();
    }

    @Test
    void aParameterRepeatedThousandsOfTimesKeepsEveryValue() {
        var raw = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            raw.append(i == 0 ? "" : "&").append("id=").append(i);
        }

        var ids = RequestState.parseQuery(raw.toString()).get("id");

        assertThat(ids).hasSize(5_000).startsWith("0", "1").endsWith("4998", "4999");
    }
}
