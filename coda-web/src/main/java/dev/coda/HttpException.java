package dev.coda;

import dev.coda.internal.ReasonPhrases;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thrown by a path operation or a dependency to answer with an HTTP error, FastAPI's
 * {@code HTTPException}: the response is {@code {"detail": detail}} with the given status and headers.
 *
 * <pre>{@code
 * @Get("/items/{item_id}")
 * public Item item(String itemId) {
 *     var item = items.get(itemId);
 *     if (item == null) throw new HttpException(404, "Item not found");
 *     return item;
 * }
 * }</pre>
 *
 * @apiNote {@code detail} may be any JSON value, not only a string.
 */
public class HttpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Object detail;
    private final Map<String, String> headers;

    /** An error with the standard reason phrase as its detail, e.g. {@code "Not Found"} for 404. */
    public HttpException(int status) {
        this(status, ReasonPhrases.of(status));
    }

    /** An error with the given detail. */
    public HttpException(int status, Object detail) {
        this(status, detail, Map.of());
    }

    /** An error with the given detail and response headers. */
    public HttpException(int status, Object detail, Map<String, String> headers) {
        super(status + ": " + detail, null, false, false);
        this.status = status;
        this.detail = detail;
        this.headers = Map.copyOf(new LinkedHashMap<>(headers));
    }

    /** The status code of the answer. */
    public int status() {
        return status;
    }

    /** The {@code detail} of the answer's JSON body. */
    public Object detail() {
        return detail;
    }

    /** Headers to add to the answer. */
    public Map<String, String> headers() {
        return headers;
    }
}
