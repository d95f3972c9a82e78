package dev.coda.internal.binding;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Finds the first problem of a JSON text the way Python's {@code json} module reports it (message and
 * character position), so that malformed bodies get FastAPI's exact error location {@code ["body", position]};
 * and, past Python, where a document passes one of Coda's {@linkplain Limits limits}, which Python does not have.
 * Only used once a real parser has refused the text.
 *
 * <p>It reads in one pass without recursion: the open arrays and objects are a bit set, so any depth costs
 * one bit a level (the text bounds it) and never the thread's stack.
 *
 * <pre>{@code
 * JsonSyntax.check("{\"a\": }")              // Problem[message=Expecting value, position=6]
 * JsonSyntax.check("[".repeat(1001), limits) // Problem[message=Nesting deeper than the limit of 1000 levels, position=1000]
 * }</pre>
 */
public final class JsonSyntax {

    /** A problem: its message and the character offset (in code points, as Python counts) where it was found. */
    public record Problem(String message, int position) {
    }

    /**
     * The limits a document must keep within, with Jackson's meaning of each (so that this checker finds the
     * very place where Jackson refused): nesting depth in arrays and objects; digits of a number (its integer,
     * fraction and exponent digits, without signs or the point); UTF-16 characters of a decoded string; bytes
     * of a decoded property name in UTF-8.
     */
    public record Limits(int maxDepth, int maxNumberLength, int maxStringLength, int maxNameLength) {

        /** No limits: Python's syntax alone. */
        public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

        /** The limits Jackson enforces with {@code constraints}. */
        public static Limits of(StreamReadConstraints constraints) {
            return new Limits(constraints.getMaxNestingDepth(), constraints.getMaxNumberLength(),
                    constraints.getMaxStringLength(), constraints.getMaxNameLength());
        }
    }

    private final String s;
    private final Limits limits;
    private int i;

    private JsonSyntax(String s, Limits limits) {
        this.s = s;
        this.limits = limits;
    }

    /**
     * The first problem in {@code text}, or {@code null} when Python would accept it. The position
     * counts code points, as Python's {@code str} indexes do (a character outside the BMP is one).
     */
    public static Problem check(String text) {
        return check(text, Limits.NONE);
    }

    /** The first problem in {@code text}, a syntax error or a limit passed, or {@code null} when there is none. */
    public static Problem check(String text, Limits limits) {
        var checker = new JsonSyntax(text, limits);
        try {
            checker.document();
            return null;
        } catch (Failure f) {
            return new Problem(f.message, text.codePointCount(0, Math.min(f.position, text.length())));
        }
    }

    /**
     * The first problem in a body, decoded as Python's {@code json.loads} decodes bytes (UTF-8, its byte order
     * mark skipped, or UTF-16 or UTF-32 when the first bytes say so); bytes that do not decode are the problem.
     */
    public static Problem check(byte[] body, Limits limits) {
        var start = encodingOf(body);
        var decoder = start.charset().newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(body, start.skip(), body.length - start.skip());
        var out = CharBuffer.allocate(body.length);
        var result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            var decoded = out.flip();
            return new Problem("Invalid " + start.charset().name() + " at byte " + at + " (0x"
                    + String.format("%02x", body[Math.min(at, body.length - 1)] & 0xff) + ")",
                    Character.codePointCount(decoded, 0, decoded.length()));
        }
        return check(out.flip().toString(), limits);
    }

    private record Encoding(Charset charset, int skip) {
    }

    /** Python's {@code json.detect_encoding}: a byte order mark, else where the first bytes are zero. */
    private static Encoding encodingOf(byte[] b) {
        if (startsWith(b, 0x00, 0x00, 0xFE, 0xFF) || startsWith(b, 0xFF, 0xFE, 0x00, 0x00)) {
            return new Encoding(Charset.forName("UTF-32"), 0);
        }
        if (startsWith(b, 0xFE, 0xFF) || startsWith(b, 0xFF, 0xFE)) {
            return new Encoding(StandardCharsets.UTF_16, 0);
        }
        if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
            return new Encoding(StandardCharsets.UTF_8, 3);
        }
        if (b.length >= 4) {
            if (b[0] == 0) {
                return new Encoding(b[1] != 0 ? StandardCharsets.UTF_16BE : Charset.forName("UTF-32BE"), 0);
            }
            if (b[1] == 0) {
                return new Encoding(b[2] != 0 || b[3] != 0 ? StandardCharsets.UTF_16LE : Charset.forName("UTF-32LE"), 0);
            }
        } else if (b.length == 2) {
            if (b[0] == 0) {
                return new Encoding(StandardCharsets.UTF_16BE, 0);
            }
            if (b[1] == 0) {
                return new Encoding(StandardCharsets.UTF_16LE, 0);
            }
        }
        return new Encoding(StandardCharsets.UTF_8, 0);
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if ((b[k] & 0xff) != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Stops the check at the first problem; carries no stack trace (it is an answer, not a fault). */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String message;
        final int position;

        Failure(String message, int position) {
            super(message, null, false, false);
            this.message = message;
            this.position = position;
        }
    }

    /**
     * Python's {@code JSONDecoder.decode}: whitespace, one value, whitespace, the end. A value that opens an
     * array or object pushes it ({@code true} for an object) and the loop goes on inside it; a complete value
     * is followed by a comma or the closing bracket of the innermost open one.
     */
    private void document() {
        var objects = new BitSet();
        int depth = 0;
        ws();
        while (true) {
            // a value is expected at i
            char c = i < s.length() ? s.charAt(i) : 0;
            if (c == '{' || c == '[') {
                if (depth == limits.maxDepth()) {
                    throw new Failure("Nesting deeper than the limit of " + limits.maxDepth() + " levels", i);
                }
                objects.set(depth++, c == '{');
                i++;
                ws();
                if (i < s.length() && s.charAt(i) == (c == '{' ? '}' : ']')) {
                    i++;
                    depth--;
                } else {
                    if (c == '{') {
                        key();
                    }
                    continue;
                }
            } else {
                scalar();
            }
            // a value is complete: close what it completes, up to a comma or the end of the document
            while (true) {
                ws();
                if (depth == 0) {
                    if (i != s.length()) {
                        throw new Failure("Extra data", i);
                    }
                    return;
                }
                boolean object = objects.get(depth - 1);
                if (i < s.length() && s.charAt(i) == (object ? '}' : ']')) {
                    i++;
                    depth--;
                    continue;
                }
                if (i >= s.length() || s.charAt(i) != ',') {
                    throw new Failure("Expecting ',' delimiter", i);
                }
                i++;
                ws();
                if (object) {
                    key();
                }
                break;
            }
        }
    }

    private void ws() {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
    }

    /** A property name, its colon and the whitespace after it; the value comes next. */
    private void key() {
        if (i >= s.length() || s.charAt(i) != '"') {
            throw new Failure("Expecting property name enclosed in double quotes", i);
        }
        int start = i;
        if (string() > limits.maxNameLength()) {
            throw new Failure("Property name longer than the limit of " + limits.maxNameLength() + " bytes", start);
        }
        ws();
        if (i >= s.length() || s.charAt(i) != ':') {
            throw new Failure("Expecting ':' delimiter", i);
        }
        i++;
        ws();
    }

    private static final String[] WORDS = {"null", "true", "false", "NaN", "Infinity", "-Infinity"};

    private void scalar() {
        if (i >= s.length()) {
            throw new Failure("Expecting value", i);
        }
        if (s.charAt(i) == '"') {
            int start = i;
            string();
            if (stringLength > limits.maxStringLength()) {
                throw new Failure("String longer than the limit of " + limits.maxStringLength() + " characters", start);
            }
            return;
        }
        for (var word : WORDS) {
            if (s.startsWith(word, i)) {
                i += word.length();
                return;
            }
        }
        number();
    }

    /**
     * Python's number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?}, a fraction or exponent without
     * digits left for what follows; ASCII digits only.
     */
    private void number() {
        int start = i;
        int j = i;
        if (j < s.length() && s.charAt(j) == '-') {
            j++;
        }
        int digitsStart = j;
        if (j < s.length() && s.charAt(j) == '0') {
            j++;
        } else {
            j = digits(j);
        }
        int digits = j - digitsStart;
        if (digits == 0) {
            throw new Failure("Expecting value", start);
        }
        if (j + 1 < s.length() && s.charAt(j) == '.' && isDigit(s.charAt(j + 1))) {
            int end = digits(j + 1);
            digits += end - j - 1;
            j = end;
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < s.length() && (s.charAt(k) == '-' || s.charAt(k) == '+')) {
                k++;
            }
            int end = digits(k);
            if (end > k) {
                digits += end - k;
                j = end;
            }
        }
        if (digits > limits.maxNumberLength()) {
            throw new Failure("Number longer than the limit of " + limits.maxNumberLength() + " digits", start);
        }
        i = j;
    }

    private int digits(int from) {
        int j = from;
        while (j < s.length() && isDigit(s.charAt(j))) {
            j++;
        }
        return j;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The UTF-16 length of the string just read, decoded. */
    private int stringLength;

    /**
     * Python's {@code scanstring} (strict): reads the string at {@code i}, sets {@link #stringLength} and
     * returns its length in UTF-8 as Jackson counts a property name's (an escaped character on its own).
     */
    private int string() {
        int start = i++;
        int length = 0;
        int utf8 = 0;
        while (true) {
            if (i >= s.length()) {
                throw new Failure("Unterminated string starting at", start);
            }
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                stringLength = length;
                return utf8;
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
                    // Python wants the four digits and one more character before the end
                    if (i + 6 >= s.length() || !isHex(s, i + 2, i + 6)) {
                        throw new Failure("Invalid \\uXXXX escape", i + 1);
                    }
                    char decoded = (char) Integer.parseInt(s, i + 2, i + 6, 16);
                    utf8 += decoded < 0x80 ? 1 : decoded < 0x800 ? 2 : 3;
                    i += 6;
                } else if ("\"\\/bfnrt".indexOf(e) >= 0) {
                    utf8++;
                    i += 2;
                } else {
                    throw new Failure("Invalid \\escape", i);
                }
            } else {
                utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
                i++;
            }
            length++;
        }
    }

    /** ASCII hexadecimal digits only, as Python reads them (not {@link Character#digit}'s other scripts). */
    private static boolean isHex(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (!(isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
