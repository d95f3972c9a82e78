package dev.coda.internal.binding;

import java.util.regex.Pattern;

/**
 * Finds the first syntax error of a JSON text the way Python's {@code json} module reports it
 * (message and character position), so that malformed bodies get FastAPI's exact error location
 * {@code ["body", position]}. Only used once a real parser has refused the text.
 */
public final class JsonSyntax {

    /** A syntax error: Python's message and the character offset where it was found. */
    public record Problem(String message, int position) {
    }

    private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");

    private final String s;
    private int i;

    private JsonSyntax(String s) {
        this.s = s;
    }

    /**
     * The first problem in {@code text}, or {@code null} when Python would accept it. The position
     * counts code points, as Python's {@code str} indexes do (a character outside the BMP is one).
     */
    public static Problem check(String text) {
        var checker = new JsonSyntax(text);
        try {
            checker.ws();
            checker.value();
            checker.ws();
            if (checker.i != text.length()) {
                return new Problem("Extra data", text.codePointCount(0, checker.i));
            }
            return null;
        } catch (Failure f) {
            return new Problem(f.problem.message(), text.codePointCount(0, f.problem.position()));
        }
    }

    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Problem problem;

        Failure(String message, int position) {
            super(message, null, false, false);
            this.problem = new Problem(message, position);
        }
    }

    private void ws() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
    }

    private void value() {
        if (i >= s.length()) {
            throw new Failure("Expecting value", i);
        }
        char c = s.charAt(i);
        switch (c) {
            case '"' -> string();
            case '{' -> object();
            case '[' -> array();
            default -> {
                for (var word : new String[] {"null", "true", "false", "NaN", "Infinity", "-Infinity"}) {
                    if (s.startsWith(word, i)) {
                        i += word.length();
                        return;
                    }
                }
                var m = NUMBER.matcher(s).region(i, s.length());
                if (m.lookingAt()) {
                    i = m.end();
                    return;
                }
                throw new Failure("Expecting value", i);
            }
        }
    }

    private void string() {
        int start = i++;
        while (true) {
            if (i >= s.length()) {
                throw new Failure("Unterminated string starting at", start);
            }
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                return;
            }
            if (c < 0x20) {
                throw new Failure("Invalid control character at", i);
            }
            if (c == '\\') {
                if (i + 1 >= s.length()) {
                    throw new Failure("Unterminated string starting at", start);
                }
                char e = s.charAt(i + 1);
                if (e == 'u') {
                    if (i + 6 > s.length() || !s.substring(i + 2, i + 6).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw new Failure("Invalid \\uXXXX escape", i + 1);
                    }
                    i += 6;
                } else if ("\"\\/bfnrt".indexOf(e) >= 0) {
                    i += 2;
                } else {
                    throw new Failure("Invalid \\escape", i);
                }
            } else {
                i++;
            }
        }
    }

    private void object() {
        i++;
        ws();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return;
        }
        while (true) {
            if (i >= s.length() || s.charAt(i) != '"') {
                throw new Failure("Expecting property name enclosed in double quotes", i);
            }
            string();
            ws();
            if (i >= s.length() || s.charAt(i) != ':') {
                throw new Failure("Expecting ':' delimiter", i);
            }
            i++;
            ws();
            value();
            ws();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return;
            }
            if (i >= s.length() || s.charAt(i) != ',') {
                throw new Failure("Expecting ',' delimiter", i);
            }
            i++;
            ws();
        }
    }

    private void array() {
        i++;
        ws();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return;
        }
        while (true) {
            value();
            ws();
            if (i < s.length() && s.charAt(i) == ']') {
                i++;
                return;
            }
            if (i >= s.length() || s.charAt(i) != ',') {
                throw new Failure("Expecting ',' delimiter", i);
            }
            i++;
            ws();
        }
    }
}
