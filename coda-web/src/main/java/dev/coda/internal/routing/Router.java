package dev.coda.internal.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Matches a method and a raw path against path templates, in a tree of segments. Literal segments
 * win over placeholders and placeholders over rest-of-path placeholders, so the order in which routes
 * are declared does not matter ({@code /users/me} beats {@code /users/{id}} either way).
 *
 * @param <T> what a route carries
 */
public final class Router<T> {

    /** The outcome of a match. */
    public sealed interface Match<T> {
    }

    /** A route answers this method and path. */
    public record Found<T>(T route, Map<String, String> pathParams) implements Match<T> {
    }

    /** Some route has this path, but not for this method. */
    public record WrongMethod<T>(List<String> allowed) implements Match<T> {
    }

    /** No route has this path. */
    public record NotFound<T>() implements Match<T> {
    }

    private static final class Node<T> {
        final Map<String, Node<T>> literals = new HashMap<>();
        Node<T> placeholder;
        Node<T> rest;
        final Map<String, Entry<T>> byMethod = new LinkedHashMap<>();
    }

    private record Entry<T>(T route, List<String> names) {
    }

    private static final String[] NO_SEGMENTS = {};

    private final Node<T> root = new Node<>();

    /**
     * Adds a route.
     *
     * @throws IllegalArgumentException when the method and template are already taken
     */
    public void add(String method, PathTemplate template, T route) {
        var node = root;
        for (var segment : template.segments()) {
            if (segment.isLiteral()) {
                node = node.literals.computeIfAbsent(segment.literal(), k -> new Node<>());
            } else if (segment.restOfPath()) {
                node = node.rest == null ? (node.rest = new Node<>()) : node.rest;
            } else {
                node = node.placeholder == null ? (node.placeholder = new Node<>()) : node.placeholder;
            }
        }
        var previous = node.byMethod.putIfAbsent(method, new Entry<>(route, template.placeholders()));
        if (previous != null) {
            throw new IllegalArgumentException(method + " " + template.text() + " is declared twice: " + previous.route()
                    + " and " + route);
        }
    }

    /**
     * Matches a request. {@code HEAD} falls back to {@code GET}.
     *
     * @param rawPath the path as sent, still percent-encoded, starting with {@code /}
     */
    public Match<T> match(String method, String rawPath) {
        var segments = split(rawPath);
        var values = new ArrayList<String>(4);
        var state = new Search<T>(method);
        search(root, segments, 0, values, state);
        if (state.found != null) {
            return state.found;
        }
        if (state.allowed != null) {
            return new WrongMethod<>(List.copyOf(state.allowed));
        }
        return new NotFound<>();
    }

    /** Whether some route, whatever its method, has exactly this path. */
    public boolean hasPath(String rawPath) {
        var state = new Search<T>("");
        search(root, split(rawPath), 0, new ArrayList<>(), state);
        return state.allowed != null;
    }

    private static final class Search<T> {
        final String method;
        Found<T> found;
        TreeSet<String> allowed;

        Search(String method) {
            this.method = method;
        }
    }

    private void search(Node<T> node, String[] segments, int index, List<String> values, Search<T> state) {
        if (index == segments.length) {
            accept(node, values, state);
            return;
        }
        var segment = segments[index];
        var literal = node.literals.get(segment);
        if (literal != null) {
            search(literal, segments, index + 1, values, state);
            if (state.found != null) {
                return;
            }
        }
        if (node.placeholder != null && !segment.isEmpty()) {
            values.add(segment);
            search(node.placeholder, segments, index + 1, values, state);
            values.removeLast();
            if (state.found != null) {
                return;
            }
        }
        if (node.rest != null) {
            values.add(String.join("/", java.util.Arrays.copyOfRange(segments, index, segments.length)));
            accept(node.rest, values, state);
            values.removeLast();
        }
    }

    private void accept(Node<T> node, List<String> values, Search<T> state) {
        if (node.byMethod.isEmpty()) {
            return;
        }
        var entry = node.byMethod.get(state.method);
        if (entry == null && state.method.equals("HEAD")) {
            entry = node.byMethod.get("GET");
        }
        if (entry != null) {
            state.found = new Found<>(entry.route(), pathParams(entry.names(), values));
            return;
        }
        // Several routes may match the path (a literal and a placeholder): Allow lists all their methods.
        if (state.allowed == null) {
            state.allowed = new TreeSet<>();
        }
        state.allowed.addAll(node.byMethod.keySet());
        if (state.allowed.contains("GET")) {
            state.allowed.add("HEAD");
        }
    }

    /** The path parameters of a match, unmodifiable, in the template's order; most templates have none or one. */
    private static Map<String, String> pathParams(List<String> names, List<String> values) {
        return switch (names.size()) {
            case 0 -> Map.of();
            case 1 -> Map.of(names.getFirst(), values.getFirst());
            default -> {
                var params = new LinkedHashMap<String, String>(names.size() * 2);
                for (int i = 0; i < names.size(); i++) {
                    params.put(names.get(i), values.get(i));
                }
                yield Collections.unmodifiableMap(params);
            }
        };
    }

    /** The segments of a path after its leading {@code /} (empty ones kept), each percent-decoded. */
    private static String[] split(String rawPath) {
        var path = rawPath.isEmpty() ? "/" : rawPath;
        if (path.equals("/")) {
            return NO_SEGMENTS;
        }
        int count = 1;
        for (int i = path.indexOf('/', 1); i >= 0; i = path.indexOf('/', i + 1)) {
            count++;
        }
        var parts = new String[count];
        int start = 1;
        for (int i = 0; i < count; i++) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            var part = path.substring(start, end);
            parts[i] = part.indexOf('%') >= 0 || part.indexOf('+') >= 0 ? decode(part) : part;
            start = end + 1;
        }
        return parts;
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }
}
