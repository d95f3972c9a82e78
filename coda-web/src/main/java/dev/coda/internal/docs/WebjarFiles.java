package dev.coda.internal.docs;

import dev.coda.HttpException;
import dev.coda.Request;
import dev.coda.Response;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Serves the known files of one webjar: each read from the class path on its first request and kept, with its media
 * type, an {@code ETag} (and {@code 304} on {@code If-None-Match}) and a year of caching, since the path it is served
 * at names the webjar's version. Any other name is a {@code 404}, so no other class path resource can be reached.
 *
 * <pre>{@code
 * var files = new WebjarFiles(Webjar.SWAGGER_UI);
 * return files.answer("swagger-ui.css", request);
 * }</pre>
 */
final class WebjarFiles {

    /** The files never change at one path (it names their version), so a browser may keep them without asking again. */
    static final String CACHE_CONTROL = "public, max-age=31536000, immutable";

    private final Webjar webjar;
    private final Map<String, Supplier<Tagged>> files;

    WebjarFiles(Webjar webjar) {
        this.webjar = webjar;
        this.files = webjar.files().keySet().stream()
                .collect(Collectors.toUnmodifiableMap(file -> file, file -> Tagged.once(() -> webjar.read(file))));
    }

    /** The file named {@code file}, as a conditional {@code GET} answers it; a FastAPI-shaped 404 for any other name. */
    Response answer(String file, Request request) {
        var served = files.get(file);
        if (served == null) {
            throw new HttpException(404);
        }
        return served.get().answer(request, webjar.files().get(file), CACHE_CONTROL).header("X-Content-Type-Options", "nosniff");
    }
}
