package dev.coda.benchmarks;

import dev.coda.internal.inject.FormData;
import dev.coda.internal.inject.HttpInput;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory request for {@code Application.handle}: no socket, no Jetty, just what the binding layer reads. */
record FakeInput(String method, String rawPath, String queryString, Map<String, String> headerMap, byte[] bodyBytes)
        implements HttpInput {

    static FakeInput of(String method, String rawPath, String queryString) {
        return new FakeInput(method, rawPath, queryString, Map.of(), new byte[0]);
    }

    @Override
    public Optional<String> header(String name) {
        for (var e : headerMap.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> headers(String name) {
        return header(name).map(List::of).orElse(List.of());
    }

    @Override
    public Optional<String> cookie(String name) {
        return Optional.empty();
    }

    @Override
    public byte[] body() {
        return bodyBytes;
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1:40000";
    }

    @Override
    public String url() {
        return "http://localhost" + rawPath();
    }

    @Override
    public String rootPath() {
        return "";
    }

    @Override
    public FormData multipart(String contentType) {
        throw new UnsupportedOperationException("the benchmarks send no multipart forms");
    }
}
