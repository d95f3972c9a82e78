package dev.coda.internal.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed path template such as {@code /items/{item_id}} or {@code /files/{path:path}}.
 *
 * @param text the template as written
 * @param segments one entry per path segment: a literal, or a placeholder
 */
public record PathTemplate(String text, List<Segment> segments) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A segment: literal text, a single-segment placeholder, or a rest-of-path placeholder. */
    public record Segment(String literal, String placeholder, boolean restOfPath) {
        boolean isLiteral() {
            return placeholder == null;
        }
    }

    /** Parses a template, failing with a message that quotes it. */
    public static PathTemplate parse(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("path template must start with '/': " + template);
        }
        var segments = new ArrayList<Segment>();
        var parts = template.substring(1).split("/", -1);
        var seen = new ArrayList<String>();
        for (int i = 0; i < parts.length; i++) {
            var part = parts[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                var inside = part.substring(1, part.length() - 1);
                var rest = false;
                int colon = inside.indexOf(':');
                if (colon >= 0) {
                    var converter = inside.substring(colon + 1);
                    inside = inside.substring(0, colon);
                    if (!converter.equals("path")) {
                        throw new IllegalArgumentException("unknown placeholder type ':" + converter + "' in " + template
                                + " (only ':path' is known; the parameter's Java type does the conversion)");
                    }
                    if (i != parts.length - 1) {
                        throw new IllegalArgumentException("a {name:path} placeholder must be last in " + template);
                    }
                    rest = true;
                }
                if (!NAME.matcher(inside).matches()) {
                    throw new IllegalArgumentException("bad placeholder '{" + inside + "}' in " + template);
                }
                if (seen.contains(inside)) {
                    throw new IllegalArgumentException("placeholder '{" + inside + "}' appears twice in " + template);
                }
                seen.add(inside);
                segments.add(new Segment(null, inside, rest));
            } else if (part.contains("{") || part.contains("}")) {
                throw new IllegalArgumentException("a placeholder must be a whole segment in " + template + ": '" + part + "'");
            } else {
                segments.add(new Segment(part, null, false));
            }
        }
        if (segments.size() == 1 && segments.getFirst().isLiteral() && segments.getFirst().literal().isEmpty()) {
            segments.clear();
        }
        return new PathTemplate(template, List.copyOf(segments));
    }

    /** The placeholder names, in order. */
    public List<String> placeholders() {
        return segments.stream().filter(s -> !s.isLiteral()).map(Segment::placeholder).toList();
    }
}
