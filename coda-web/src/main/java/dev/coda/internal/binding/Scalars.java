package dev.coda.internal.binding;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.invoke.MethodType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Conversions of single values, from request text or from JSON, following pydantic's lax mode:
 * {@code "5"} is an int, {@code "yes"} a boolean, {@code 5} is not a string. Errors use pydantic's
 * types and messages.
 */
public final class Scalars {

    private static final Set<Class<?>> SIMPLE = Set.of(String.class, CharSequence.class, Integer.class, Long.class,
            Short.class, Byte.class, Double.class, Float.class, Boolean.class, Character.class, BigDecimal.class,
            BigInteger.class, UUID.class, LocalDate.class, LocalDateTime.class, LocalTime.class, Instant.class,
            OffsetDateTime.class, ZonedDateTime.class, Duration.class);
    private static final Set<String> TRUE = Set.of("1", "on", "t", "true", "y", "yes");
    private static final Set<String> FALSE = Set.of("0", "off", "f", "false", "n", "no");
    // Possessive quantifiers: a long run of digits that does not match fails in linear time, without
    // backtracking (quadratic) or a stack frame per "_123" group (a StackOverflowError on long input).
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:\\d++(?:_\\d++)*+(?:\\.\\d*+(?:_\\d++)*+)?+|\\.\\d++)(?:[eE][+-]?\\d++)?+|[+-]?(?:inf|infinity|nan)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d++(?:_\\d++)*+");

    /**
     * The longest text read as an integer, pydantic's (and CPython's {@code int_max_str_digits}): converting
     * decimal text to a big integer takes time quadratic in its length. Decimals and timestamps keep to it too.
     */
    static final int MAX_NUMBER_TEXT = 4300;

    private Scalars() {
    }

    /** Whether values of this type are written as one piece of text (a query parameter, a path segment). */
    public static boolean isSimple(Class<?> type) {
        return type.isPrimitive() || SIMPLE.contains(type) || type.isEnum();
    }

    /** Converts request text, recording an error at {@code loc} and returning {@link Errors#FAILED} when it does not convert. */
    public static Object fromText(String raw, Class<?> type, Loc loc, Errors errors) {
        var t = box(type);
        if (t == String.class || t == CharSequence.class) {
            return raw;
        }
        if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class || t == BigInteger.class) {
            return integer(raw, t, raw, loc, errors);
        }
        if (t == Double.class || t == Float.class) {
            var s = raw.strip();
            if (!FLOAT.matcher(s).matches()) {
                errors.add("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", raw);
                return Errors.FAILED;
            }
            double d = parseDouble(s);
            return t == Float.class ? (Object) (float) d : (Object) d;
        }
        if (t == Boolean.class) {
            var s = raw.strip().toLowerCase(Locale.ROOT);
            if (TRUE.contains(s)) {
                return Boolean.TRUE;
            }
            if (FALSE.contains(s)) {
                return Boolean.FALSE;
            }
            errors.add("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", raw);
            return Errors.FAILED;
        }
        if (t == BigDecimal.class) {
            try {
                var text = raw.strip();
                if (text.length() > MAX_NUMBER_TEXT) {
                    throw new NumberFormatException("longer than " + MAX_NUMBER_TEXT + " characters");
                }
                return new BigDecimal(text.replace("_", ""));
            } catch (NumberFormatException e) {
                errors.add("decimal_parsing", loc, "Input should be a valid decimal", raw);
                return Errors.FAILED;
            }
        }
        if (t == Character.class) {
            if (raw.length() == 1) {
                return raw.charAt(0);
            }
            errors.add("string_type", loc, "Input should be a single character", raw);
            return Errors.FAILED;
        }
        if (t == UUID.class) {
            return uuid(raw, loc, errors);
        }
        if (t.isEnum()) {
            return enumValue(raw, t, loc, errors);
        }
        return temporal(raw, t, loc, errors);
    }

    /** Converts a JSON value, recording an error at {@code loc} and returning {@link Errors#FAILED} when it does not convert. */
    public static Object fromJson(JsonNode node, Class<?> type, Loc loc, Errors errors) {
        var t = box(type);
        if (t == String.class || t == CharSequence.class) {
            if (node.isTextual()) {
                return node.textValue();
            }
            errors.add("string_type", loc, "Input should be a valid string", node);
            return Errors.FAILED;
        }
        if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class || t == BigInteger.class) {
            if (node.isIntegralNumber()) {
                return integer(node.bigIntegerValue().toString(), t, node, loc, errors);
            }
            if (isNonFinite(node)) {
                errors.add("finite_number", loc, "Input should be a finite number", node);
                return Errors.FAILED;
            }
            if (node.isNumber()) {
                var d = node.decimalValue();
                if (d.stripTrailingZeros().scale() <= 0) {
                    return integer(d.toBigInteger().toString(), t, node, loc, errors);
                }
                errors.add("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", node);
                return Errors.FAILED;
            }
            if (node.isBoolean()) {
                return integer(node.booleanValue() ? "1" : "0", t, node, loc, errors);
            }
            if (node.isTextual()) {
                return integer(node.textValue(), t, node, loc, errors);
            }
            errors.add("int_type", loc, "Input should be a valid integer", node);
            return Errors.FAILED;
        }
        if (t == Double.class || t == Float.class) {
            if (node.isNumber()) {
                return t == Float.class ? (Object) node.floatValue() : (Object) node.doubleValue();
            }
            if (node.isBoolean()) {
                double d = node.booleanValue() ? 1 : 0;
                return t == Float.class ? (Object) (float) d : (Object) d;
            }
            if (node.isTextual()) {
                return fromText(node.textValue(), t, loc, errors);
            }
            errors.add("float_type", loc, "Input should be a valid number", node);
            return Errors.FAILED;
        }
        if (t == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (isNonFinite(node)) {
                errors.add("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", node);
                return Errors.FAILED;
            }
            if (node.isNumber()) {
                var d = node.decimalValue();
                if (d.compareTo(BigDecimal.ONE) == 0) {
                    return Boolean.TRUE;
                }
                if (d.signum() == 0) {
                    return Boolean.FALSE;
                }
                errors.add("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", node);
                return Errors.FAILED;
            }
            if (node.isTextual()) {
                return fromText(node.textValue(), t, loc, errors);
            }
            errors.add("bool_type", loc, "Input should be a valid boolean", node);
            return Errors.FAILED;
        }
        if (t == BigDecimal.class) {
            if (isNonFinite(node)) {
                errors.add("finite_number", loc, "Input should be a finite number", node);
                return Errors.FAILED;
            }
            if (node.isNumber()) {
                return node.decimalValue();
            }
            if (node.isTextual()) {
                return fromText(node.textValue(), t, loc, errors);
            }
            errors.add("decimal_type", loc, "Decimal input should be an integer, float, string or Decimal object", node);
            return Errors.FAILED;
        }
        if (node.isTextual()) {
            return fromText(node.textValue(), t, loc, errors);
        }
        if (t.isEnum() && (node.isNumber() || node.isBoolean())) {
            return enumValue(node.asText(), t, loc, errors);
        }
        if ((t == Instant.class || t == OffsetDateTime.class || t == ZonedDateTime.class) && node.isNumber()) {
            return temporal(node.asText(), t, loc, errors);
        }
        var kind = t == UUID.class ? "uuid_type" : t == LocalDate.class ? "date_type"
                : t == LocalTime.class ? "time_type" : t == Duration.class ? "time_delta_type"
                : t.isEnum() ? "enum" : "datetime_type";
        var what = t == UUID.class ? "UUID input should be a string, bytes or UUID object"
                : t == LocalDate.class ? "Input should be a valid date"
                : t == LocalTime.class ? "Input should be a valid time"
                : t == Duration.class ? "Input should be a valid timedelta"
                : t.isEnum() ? "Input should be " + expected(t) : "Input should be a valid datetime";
        errors.add(kind, loc, what, node);
        return Errors.FAILED;
    }

    /**
     * Whether a JSON number is NaN or infinite: Python's {@code json} reads {@code NaN}, {@code Infinity}
     * and {@code 1e400} as floats, and so does Jackson here; they have no {@code BigDecimal} value.
     */
    private static boolean isNonFinite(JsonNode node) {
        return (node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue());
    }

    /** The zero value of a primitive type, or {@code null}. */
    public static Object zero(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        return switch (type.getName()) {
            case "boolean" -> false;
            case "char" -> '\0';
            case "byte" -> (byte) 0;
            case "short" -> (short) 0;
            case "int" -> 0;
            case "long" -> 0L;
            case "float" -> 0f;
            default -> 0d;
        };
    }

    static Class<?> box(Class<?> type) {
        return MethodType.methodType(type).wrap().returnType();
    }

    private static Object integer(String raw, Class<?> t, Object input, Loc loc, Errors errors) {
        var s = raw.strip();
        if (s.length() > MAX_NUMBER_TEXT) {
            errors.add("int_parsing_size", loc, "Unable to parse input string as an integer, exceeded maximum size", input);
            return Errors.FAILED;
        }
        if (!INTEGER.matcher(s).matches()) {
            errors.add("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", input);
            return Errors.FAILED;
        }
        var big = new BigInteger(s.replace("_", ""));
        if (t == BigInteger.class) {
            return big;
        }
        int bits = t == Long.class ? 63 : t == Integer.class ? 31 : t == Short.class ? 15 : 7;
        if (big.bitLength() > bits) {
            var max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
            var min = BigInteger.ONE.shiftLeft(bits).negate();
            if (big.signum() > 0) {
                errors.add("less_than_equal", loc, "Input should be less than or equal to " + max, input, Map.of("le", max));
            } else {
                errors.add("greater_than_equal", loc, "Input should be greater than or equal to " + min, input, Map.of("ge", min));
            }
            return Errors.FAILED;
        }
        long v = big.longValue();
        return t == Long.class ? (Object) v : t == Integer.class ? (Object) (int) v
                : t == Short.class ? (Object) (short) v : (Object) (byte) v;
    }

    private static double parseDouble(String s) {
        var lower = s.toLowerCase(Locale.ROOT);
        var negative = lower.startsWith("-");
        var unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        return switch (unsigned) {
            case "inf", "infinity" -> negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s.replace("_", ""));
        };
    }

    /**
     * Seconds since the epoch written as a number, at UTC. Its magnitude is checked before any arithmetic:
     * {@code 1e999999999} is parsed in no time, but taking its whole part would compute a billion digits.
     */
    private static OffsetDateTime fromEpochSeconds(String s) {
        if (s.length() > MAX_NUMBER_TEXT) {
            throw new ArithmeticException("longer than " + MAX_NUMBER_TEXT + " characters");
        }
        var seconds = new BigDecimal(s);
        if (seconds.precision() - seconds.scale() > 19) {
            throw new ArithmeticException("beyond a long's seconds");
        }
        if (seconds.scale() - seconds.precision() >= 9) {
            seconds = BigDecimal.ZERO;      // under a nanosecond
        }
        var whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos).atOffset(ZoneOffset.UTC);
    }

    private static Object uuid(String raw, Loc loc, Errors errors) {
        var s = raw.strip();
        var hex = s.replace("-", "");
        if (s.startsWith("urn:uuid:")) {
            hex = s.substring(9).replace("-", "");
        }
        if (hex.length() == 32 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
        }
        var reason = hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                ? "invalid length: expected length 32 for simple format, found " + hex.length()
                : "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]";
        errors.add("uuid_parsing", loc, "Input should be a valid UUID, " + reason, raw, Map.of("error", reason));
        return Errors.FAILED;
    }

    private static Object enumValue(String raw, Class<?> type, Loc loc, Errors errors) {
        for (var constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(raw) || constant.toString().equals(raw)) {
                return constant;
            }
        }
        var expected = expected(type);
        errors.add("enum", loc, "Input should be " + expected, raw, Map.of("expected", expected));
        return Errors.FAILED;
    }

    private static String expected(Class<?> type) {
        var names = Arrays.stream(type.getEnumConstants()).map(c -> "'" + c + "'").collect(Collectors.toList());
        if (names.size() == 1) {
            return names.getFirst();
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }

    private static Object temporal(String raw, Class<?> t, Loc loc, Errors errors) {
        var s = raw.strip();
        try {
            if (t == LocalDate.class) {
                return LocalDate.parse(s);
            }
            if (t == LocalTime.class) {
                return LocalTime.parse(s);
            }
            if (t == LocalDateTime.class) {
                return LocalDateTime.parse(s.replace(' ', 'T'));
            }
            if (t == Duration.class) {
                return Duration.parse(s);
            }
            OffsetDateTime odt;
            if (INTEGER.matcher(s).matches() || FLOAT.matcher(s).matches()) {
                odt = fromEpochSeconds(s);
            } else {
                odt = OffsetDateTime.parse(s.replace(' ', 'T'));
            }
            if (t == Instant.class) {
                return odt.toInstant();
            }
            if (t == ZonedDateTime.class) {
                return odt.toZonedDateTime();
            }
            return odt;
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            var reason = e instanceof DateTimeParseException ? "invalid format" : "out of range";
            if (t == LocalDate.class) {
                errors.add("date_parsing", loc, "Input should be a valid date in the format YYYY-MM-DD, " + reason, raw,
                        Map.of("error", reason));
            } else if (t == LocalTime.class) {
                errors.add("time_parsing", loc, "Input should be in a valid time format, " + reason, raw, Map.of("error", reason));
            } else if (t == Duration.class) {
                errors.add("time_delta_parsing", loc, "Input should be a valid timedelta, " + reason, raw,
                        Map.of("error", reason));
            } else {
                errors.add("datetime_parsing", loc, "Input should be a valid datetime, " + reason, raw, Map.of("error", reason));
            }
            return Errors.FAILED;
        }
    }
}
