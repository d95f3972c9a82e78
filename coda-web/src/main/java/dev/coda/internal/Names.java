package dev.coda.internal;

/** Name conversions between Java identifiers and HTTP-side names. */
public final class Names {
    private Names() {
    }

    /** {@code itemId} to {@code item_id}. */
    public static String snake(String camel) {
        return separate(camel, '_');
    }

    /** {@code userAgent} to {@code user-agent}. */
    public static String kebab(String camel) {
        return separate(camel, '-');
    }

    private static String separate(String camel, char separator) {
        var out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0 && out.charAt(out.length() - 1) != separator) {
                    out.append(separator);
                }
                out.append(Character.toLowerCase(c));
            } else if (c == '_' || c == '-') {
                out.append(separator);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
