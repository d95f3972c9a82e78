package dev.coda.internal.inject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coda.Request;
import dev.coda.internal.binding.Errors;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything one request carries while it is handled: the HTTP input, the matched path parameters,
 * binding errors, the per-request dependency cache, request-scoped objects and cleanups.
 */
public final class RequestState implements Request {

    private final HttpInput input;
    private final Map<String, String> pathParams;
    private final Errors errors = new Errors();
    private Map<Object, Object> cache;
    private Map<Class<?>, Object> scoped;
    private Deque<AutoCloseable> cleanups;
    private Map<String, List<String>> query;
    private JsonNode jsonBody;
    private byte[] body;
    private FormData form;
    private String id;
    private String origin = "";

    public RequestState(HttpInput input, Map<String, String> pathParams) {
        this.input = input;
        this.pathParams = pathParams;
    }

    /** The matched route, e.g. {@code POST /send-notification/{email}}, for logs; empty when none matched. */
    public String origin() {
        return origin;
    }

    public void origin(String route) {
        this.origin = route;
    }

    /** The request-scoped object of a type if it was created, else {@code null}. */
    public <T> T scopedIfCreated(Class<T> type) {
        return scoped == null ? null : type.cast(scoped.get(type));
    }

    public Errors errors() {
        return errors;
    }

    /** A cached dependency value, or {@code null}. */
    Object cached(Object key) {
        return cache == null ? null : cache.get(key);
    }

    void cache(Object key, Object value) {
        if (cache == null) {
            cache = new HashMap<>();
        }
        cache.put(key, value);
    }

    /** The request-scoped object of a type, created by {@code factory} on first use. */
    @SuppressWarnings("unchecked")
    public <T> T scoped(Class<T> type, java.util.function.Function<RequestState, T> factory) {
        if (scoped == null) {
            scoped = new LinkedHashMap<>(4);
        }
        var existing = scoped.get(type);
        if (existing == null) {
            existing = factory.apply(this);
            scoped.put(type, existing);
        }
        return (T) existing;
    }

    void addCleanup(AutoCloseable cleanup) {
        if (cleanups == null) {
            cleanups = new ArrayDeque<>();
        }
        cleanups.push(cleanup);
    }

    /** The cleanups registered by dependencies, most recent first. */
    public List<AutoCloseable> cleanups() {
        return cleanups == null ? List.of() : List.copyOf(cleanups);
    }

    public JsonNode jsonBody() {
        return jsonBody;
    }

    public void jsonBody(JsonNode node) {
        this.jsonBody = node;
    }

    /** The value of the last occurrence of a query parameter (Starlette's rule). */
    Optional<String> lastQueryValue(String name) {
        var values = queryParams().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getLast());
    }

    @Override
    public String method() {
        return input.method();
    }

    @Override
    public String path() {
        return URLDecoder.decode(input.rawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String queryString() {
        return input.queryString();
    }

    @Override
    public Optional<String> queryParam(String name) {
        var values = queryParams().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public Map<String, List<String>> queryParams() {
        if (query == null) {
            query = parseQuery(input.queryString());
        }
        return query;
    }

    static Map<String, List<String>> parseQuery(String queryString) {
        if (queryString == null || queryString.isEmpty()) {
            return Map.of();
        }
        // A parameter's one value is kept as a singleton list; a second one turns it into an ArrayList, made
        // unmodifiable at the end (most parameters appear once).
        var out = new LinkedHashMap<String, List<String>>();
        boolean repeated = false;
        for (int start = 0; start <= queryString.length(); ) {
            int end = queryString.indexOf('&', start);
            if (end < 0) {
                end = queryString.length();
            }
            if (end > start) {
                int eq = queryString.indexOf('=', start);
                if (eq >= end) {
                    eq = -1;
                }
                var key = decode(queryString.substring(start, eq < 0 ? end : eq));
                var value = eq < 0 ? "" : decode(queryString.substring(eq + 1, end));
                var previous = out.putIfAbsent(key, Collections.singletonList(value));
                if (previous instanceof ArrayList<String> values) {
                    values.add(value);
                } else if (previous != null) {
                    var values = new ArrayList<String>(previous);
                    values.add(value);
                    out.put(key, values);
                    repeated = true;
                }
            }
            start = end + 1;
        }
        if (repeated) {
            out.replaceAll((k, v) -> v instanceof ArrayList<String> values ? Collections.unmodifiableList(values) : v);
        }
        return Collections.unmodifiableMap(out);
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    @Override
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public Optional<String> header(String name) {
        return input.header(name);
    }

    @Override
    public List<String> headers(String name) {
        return input.headers(name);
    }

    @Override
    public Optional<String> cookie(String name) {
        return input.cookie(name);
    }

    @Override
    public byte[] body() {
        if (body == null) {
            body = input.body();
        }
        return body;
    }

    /**
     * The form body, parsed once: urlencoded fields (decoded as the query string), or multipart fields and files, whose
     * temporary files are deleted with the request's other resources, after its background tasks. Any other body is an
     * empty form, as in Starlette.
     */
    public FormData form() {
        if (form == null) {
            var contentType = header("Content-Type").orElse("");
            var mediaType = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (mediaType.equals("multipart/form-data")) {
                form = input.multipart(contentType);
                addCleanup(form);
            } else if (mediaType.equals("application/x-www-form-urlencoded")) {
                var entries = new ArrayList<Map.Entry<String, Object>>();
                parseQuery(new String(body(), StandardCharsets.UTF_8))
                        .forEach((name, values) -> values.forEach(v -> entries.add(Map.entry(name, v))));
                form = new FormData(entries, null);
            } else {
                form = FormData.EMPTY;
            }
        }
        return form;
    }

    @Override
    public String remoteAddress() {
        return input.remoteAddress();
    }

    @Override
    public java.net.URI url() {
        return java.net.URI.create(input.url());
    }

    @Override
    public String rootPath() {
        return input.rootPath();
    }

    @Override
    public String id() {
        if (id == null) {
            id = input.header("X-Request-Id").orElseGet(RequestState::newId);
        }
        return id;
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}. Not {@link UUID#randomUUID()}: a request id
     * correlates logs and is no secret, and {@code SecureRandom} takes a global lock and, on a virtual thread,
     * a blocking read of the entropy device for every other request (docs/performance.md).
     */
    public static String newId() {
        var random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L;                                  // version 4
        long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;           // IETF variant
        return new UUID(high, low).toString();
    }
}
