package dev.coda.internal.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The first syntax error of a JSON text, as Python 3.11's {@code json.loads} reports it (expected values recorded from it). */
class JsonSyntaxTest {

    static Stream<Arguments> malformedTexts() {
        return Stream.of(
                Arguments.of("{\"name\": \"x\", \"price\": ", "Expecting value", 23),
                Arguments.of("{bad}", "Expecting property name enclosed in double quotes", 1),
                Arguments.of("", "Expecting value", 0),
                Arguments.of("   ", "Expecting value", 3),
                Arguments.of("nul", "Expecting value", 0),
                Arguments.of("{\"name\": \"x\", \"price\": 1.5} x", "Extra data", 28),
                Arguments.of("{\"a\": 1}\n\n{", "Extra data", 10),
                Arguments.of("{\"name\": \"x\" \"price\": 1}", "Expecting ',' delimiter", 13),
                Arguments.of("{\"name\": \"x\", \"price\": 1.5", "Expecting ',' delimiter", 26),
                Arguments.of("[1, 2", "Expecting ',' delimiter", 5),
                Arguments.of("{\"name\"  1}", "Expecting ':' delimiter", 9),
                Arguments.of("{\"name\": \"x\\q\"}", "Invalid \\escape", 11),
                Arguments.of("{\"name\": \"ab", "Unterminated string starting at", 9),
                Arguments.of("{\"a\": \"\u0001\"}", "Invalid control character at", 7),
                Arguments.of("{\"a\": \"\\u12G4\"}", "Invalid \\uXXXX escape", 8),
                Arguments.of("\n\n  {\"name\": tru}", "Expecting value", 13),
                Arguments.of("{\"name\": \"é\", \"price\": ", "Expecting value", 23),
                // Python counts code points; an emoji is one character there, two UTF-16 units in Java
                Arguments.of("{\"name\": \"😀\", \"price\": ", "Expecting value", 23));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedTexts")
    void theProblemIsPythonsMessageAtPythonsCharacterPosition(String text, String message, int position) {
        assertThat(JsonSyntax.check(text)).isEqualTo(new JsonSyntax.Problem(message, position));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{}", "[]", "null", "5", "-0.5e+3", "\"x\"", " {\"a\": [1, {\"b\": null}], \"c\": \"\\u00e9\\n\"} ",
            "NaN", "-Infinity", "[Infinity]", "\"😀\""})
    void textPythonAcceptsHasNoProblem(String text) {
        assertThat(JsonSyntax.check(text)).isNull();
    }
}
