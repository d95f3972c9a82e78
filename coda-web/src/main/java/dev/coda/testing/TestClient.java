package dev.coda.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.Coda;
import dev.coda.internal.Internals;
import dev.coda.internal.json.Json;
import dev.coda.internal.server.JettyServer;
import dev.coda.internal.server.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;

/**
 * Sends requests to an application through the whole pipeline (Jetty, routing, binding, errors), for
 * tests: in-process without a port ({@link #of}), or over a real loopback port ({@link #overNetwork}).
 *
 * <pre>{@code
 * try (var client = TestClient.of(Coda.app().routes(new Items()).build())) {
 *     var response = client.get("/items/5?q=somequery");
 *     assertThat(response.status()).isEqualTo(200);
 *     assertThat(response.json()).isEqualTo(Map.of("item_id", 5, "q", "somequery"));
 * }
 * }</pre>
 */
public final class TestClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Server jetty;
    private final LocalConnector local;
    private final RunningServer network;
    private final HttpClient http;
    private final ObjectMapper mapper = Json.newMapper();

    private TestClient(Server jetty, LocalConnector local, RunningServer network) {
        this.jetty = jetty;
        this.local = local;
        this.network = network;
        this.http = network == null ? null : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A client that talks to {@code app} in-process, through Jetty's local connector. */
    public static TestClient of(Coda app) {
        var runtime = Internals.runtime(app);
        var jetty = JettyServer.create(runtime.application(), runtime.afterResponse(), false, true);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-process server", e);
        }
        return new TestClient(jetty, jetty.getBean(LocalConnector.class), null);
    }

    /** A client that talks to {@code app} started on a free loopback port. */
    public static TestClient overNetwork(Coda app) {
        var runtime = Internals.runtime(app);
        var settings = runtime.application().settings();
        var loopback = new dev.coda.internal.server.Settings("127.0.0.1", 0, settings.maxRequestBodySize(),
                settings.shutdownTimeout(), settings.idleTimeout());
        var application = new dev.coda.internal.server.Application(runtime.application(), loopback);
        var jetty = JettyServer.create(application, runtime.afterResponse(), true, false);
        return new TestClient(jetty, null, RunningServer.start(jetty, loopback));
    }

    /** The server's address, for clients of your own; only over the network. */
    public URI baseUri() {
        if (network == null) {
            throw new IllegalStateException("an in-process client has no address; use TestClient.overNetwork");
        }
        return network.uri();
    }

    public TestResponse get(String path) {
        return request("GET", path).send();
    }

    public TestResponse head(String path) {
        return request("HEAD", path).send();
    }

    public TestResponse delete(String path) {
        return request("DELETE", path).send();
    }

    public TestResponse post(String path) {
        return request("POST", path).send();
    }

    /** POST with {@code body} written as JSON. */
    public TestResponse post(String path, Object body) {
        return request("POST", path).json(body).send();
    }

    /** PUT with {@code body} written as JSON. */
    public TestResponse put(String path, Object body) {
        return request("PUT", path).json(body).send();
    }

    /** PATCH with {@code body} written as JSON. */
    public TestResponse patch(String path, Object body) {
        return request("PATCH", path).json(body).send();
    }

    /** A request to build: headers, a body, then {@link RequestBuilder#send()}. */
    public RequestBuilder request(String method, String path) {
        return new RequestBuilder(method, path);
    }

    /** A request being built. */
    public final class RequestBuilder {
        private final String method;
        private final String path;
        // names are case-insensitive: "content-type" and "Content-Type" are one header
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private byte[] body;

        private RequestBuilder(String method, String path) {
            this.method = Objects.requireNonNull(method, "method");
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * Adds a header. In-process, a {@code Host} header replaces the default {@code testserver}; over the
         * network, {@code java.net.http} rejects {@code Host} and the other headers it manages itself.
         */
        public RequestBuilder header(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        /** The body as JSON, with {@code Content-Type: application/json}. */
        public RequestBuilder json(Object value) {
            try {
                return body(mapper.writeValueAsBytes(value), "application/json");
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write the body as JSON", e);
            }
        }

        /** A text body with the given content type ({@code null} sends none). */
        public RequestBuilder body(String text, String contentType) {
            return body(text.getBytes(StandardCharsets.UTF_8), contentType);
        }

        /** A raw body with the given content type ({@code null} sends none). */
        public RequestBuilder body(byte[] bytes, String contentType) {
            this.body = bytes.clone();
            if (contentType != null) {
                headers.put("Content-Type", new ArrayList<>(List.of(contentType)));
            }
            return this;
        }

        /** Sends the request and waits for the response. */
        public TestResponse send() {
            return local != null ? sendLocal() : sendNetwork();
        }

        private TestResponse sendLocal() {
            var request = HttpTester.newRequest();
            request.setMethod(method);
            request.setURI(path);
            request.setVersion("HTTP/1.1");
            // HttpTester starts with "Host: localhost"; replace it rather than add a second one (a 400)
            request.setHeader("Host", headers.getOrDefault("Host", List.of("testserver")).getFirst());
            headers.forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Host")) {
                    values.forEach(v -> request.add(name, v));
                }
            });
            if (body != null) {
                request.setContent(ByteBuffer.wrap(body));
            }
            // One connection per request, closed once answered: left open, each would linger until the idle
            // timeout, and stopping the server would wait for them.
            var endPoint = local.connect();
            try {
                endPoint.addInputAndExecute(request.generate());
                var raw = endPoint.waitForResponse(method.equals("HEAD"), TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (raw == null) {
                    throw new IllegalStateException("no response to " + method + " " + path + " within " + TIMEOUT);
                }
                var response = method.equals("HEAD") ? HttpTester.parseHeadResponse(raw) : HttpTester.parseResponse(raw);
                var responseHeaders = new LinkedHashMap<String, List<String>>();
                for (var field : response) {
                    responseHeaders.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>()).add(field.getValue());
                }
                return new TestResponse(response.getStatus(), responseHeaders, response.getContentBytes(), mapper);
            } catch (Exception e) {
                throw new IllegalStateException("request " + method + " " + path + " failed: " + e, e);
            } finally {
                endPoint.close();
            }
        }

        private TestResponse sendNetwork() {
            var builder = HttpRequest.newBuilder(network.uri().resolve(path)).timeout(TIMEOUT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
            try {
                var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
                var responseHeaders = new LinkedHashMap<String, List<String>>();
                response.headers().map().forEach((k, v) -> responseHeaders.put(k.toLowerCase(java.util.Locale.ROOT), v));
                return new TestResponse(response.statusCode(), responseHeaders, response.body(), mapper);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Closes the HTTP client, if any (its threads and idle connections), then stops the server gracefully. */
    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the server", e);
        }
    }
}
