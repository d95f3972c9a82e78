package dev.coda.internal.binding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.tasks.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
                // Python wants a character after the four digits, and reads only ASCII hexadecimal digits
                Arguments.of("\"\\u1234", "Invalid \\uXXXX escape", 2),
                Arguments.of("\"\\u12\u06634\"", "Invalid \\uXXXX escape", 2),
                Arguments.of("[1,]", "Expecting value", 3),
                Arguments.of("{\"a\": 1,}", "Expecting property name enclosed in double quotes", 8),
                Arguments.of("-", "Expecting value", 0),
                Arguments.of("1e+", "Extra data", 1),
                Arguments.of("+Infinity", "Expecting value", 0),
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

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final JsonSyntax.Limits LIMITS = JsonSyntax.Limits.of(Json.READ_LIMITS);

    private record Verdict(String text, String error, Integer position) {
    }

    /** Texts mutated at random and what Python 3.11 said of each, recorded by {@code fuzz/json/python_verdicts.py}. */
    static List<Verdict> pythonVerdicts() {
        try (var in = JsonSyntaxTest.class.getResourceAsStream("/fuzz/json/python-verdicts.jsonl")) {
            var out = new ArrayList<Verdict>();
            for (var line : new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                out.add(MAPPER.readValue(line, Verdict.class));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyRecordedTextGetsPythonsVerdict() {
        var verdicts = pythonVerdicts();
        assertThat(verdicts).hasSizeGreaterThan(1000);
        for (var v : verdicts) {
            var expected = v.error() == null ? null : new JsonSyntax.Problem(v.error(), v.position());
            assertThat(JsonSyntax.check(v.text())).as(v.text()).isEqualTo(expected);
        }
    }

    @Test
    void nestingOfAnyDepthIsCheckedWithoutRecursion() {
        var deep = "[".repeat(200_000) + "]".repeat(200_000);

        assertThat(JsonSyntax.check(deep)).isNull();
        assertThat(JsonSyntax.check("{\"a\":".repeat(100_000) + "1" + "}".repeat(99_999)))
                .isEqualTo(new JsonSyntax.Problem("Expecting ',' delimiter", 600_000));
    }

    @Test
    void aDocumentNestedPastTheLimitIsReportedAtTheBracketThatPassesIt() {
        assertThat(JsonSyntax.check(" " + "[{\"k\": ".repeat(500) + "[", LIMITS))
                .isEqualTo(new JsonSyntax.Problem("Nesting deeper than the limit of 1000 levels", 1 + 7 * 500));
        assertThat(JsonSyntax.check("[".repeat(1000) + "]".repeat(1000), LIMITS)).isNull();
    }

    /** One document just within each limit and one just past it, with the checker's answer for the second. */
    static Stream<Arguments> limits() {
        return Stream.of(
                Arguments.of("[".repeat(1000) + "]".repeat(1000), "[".repeat(1001) + "]".repeat(1001),
                        new JsonSyntax.Problem("Nesting deeper than the limit of 1000 levels", 1000)),
                Arguments.of("[-" + "1".repeat(1000) + "]", "[-" + "1".repeat(1001) + "]",
                        new JsonSyntax.Problem("Number longer than the limit of 1000 digits", 1)),
                Arguments.of("[1." + "2".repeat(998) + "e-9]", "[1." + "2".repeat(998) + "e-10]",
                        new JsonSyntax.Problem("Number longer than the limit of 1000 digits", 1)),
                Arguments.of("{\"" + "é".repeat(25_000) + "\": 1}", "{\"" + "é".repeat(24_999) + "abc\": 1}",
                        new JsonSyntax.Problem("Property name longer than the limit of 50000 bytes", 1)),
                Arguments.of("{\"" + "\\u00e9".repeat(25_000) + "\": 1}", "{\"" + "\\u00e9".repeat(25_000) + "a\": 1}",
                        new JsonSyntax.Problem("Property name longer than the limit of 50000 bytes", 1)));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("limits")
    void theCheckerFindsTheLimitJacksonRefusesAndNoOther(String within, String past, JsonSyntax.Problem problem) throws IOException {
        assertThat(MAPPER.readTree(within.getBytes(StandardCharsets.UTF_8))).isNotNull();
        assertThat(JsonSyntax.check(within, LIMITS)).isNull();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MAPPER.readTree(past.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(com.fasterxml.jackson.core.exc.StreamConstraintsException.class);
        assertThat(JsonSyntax.check(past, LIMITS)).isEqualTo(problem);
    }

    @Test
    void aStringPastTheLimitIsReportedAtItsOpeningQuote() {
        var limits = new JsonSyntax.Limits(1000, 1000, 10, 50_000);

        assertThat(JsonSyntax.check("[\"0123456789\"]", limits)).isNull();
        assertThat(JsonSyntax.check("[\"012345678\\n9\"]", limits))
                .isEqualTo(new JsonSyntax.Problem("String longer than the limit of 10 characters", 1));
    }

    @Test
    void bytesThatAreNotUtf8AreReportedAtTheCharacterWhereTheyStart() {
        var body = new byte[] {'{', '"', (byte) 0xc3, (byte) 0xa9, '"', ':', (byte) 0xff, '}'};

        assertThat(JsonSyntax.check(body, LIMITS)).isEqualTo(new JsonSyntax.Problem("Invalid UTF-8 at byte 6 (0xff)", 5));
    }

    @Test
    void bytesAreDecodedAsPythonDoes() {
        var bom = new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '"', 'a', '"', ':', '}'};

        assertThat(JsonSyntax.check(bom, LIMITS)).isEqualTo(new JsonSyntax.Problem("Expecting value", 5));
        assertThat(JsonSyntax.check("[1, ]".getBytes(StandardCharsets.UTF_16LE), LIMITS))
                .isEqualTo(new JsonSyntax.Problem("Expecting value", 4));
        assertThat(JsonSyntax.check("[1]".getBytes(StandardCharsets.UTF_16BE), LIMITS)).isNull();
    }
}
