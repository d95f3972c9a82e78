package dev.coda.internal.docs;

/**
 * Text made safe for the places the docs pages put it: element text and attribute values, and string literals in
 * an inline {@code <script>} (where an HTML entity means nothing, but {@code </script>} would end the script).
 *
 * <pre>{@code
 * "<title>" + Html.text(title) + "</title><script>load(" + Html.jsString(url) + ")</script>"
 * }</pre>
 */
public final class Html {

    private Html() {
    }

    /**
     * {@code s} for element text or a quoted attribute value: {@code & < > " '} as character references. The task
     * dashboard's pages escape with it too (the package is exported to {@code dev.coda.dashboard} only).
     */
    public static String text(String s) {
        var out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@code s} as a double-quoted JavaScript string literal for an inline script: besides quotes, backslashes and
     * control characters, {@code < > &} and the line separators U+2028/U+2029 are {@code \}{@code uXXXX} escapes, so
     * that neither {@code </script>} nor {@code <!--} can appear in the page.
     */
    static String jsString(String s) {
        var out = new StringBuilder(s.length() + 16).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'' || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
