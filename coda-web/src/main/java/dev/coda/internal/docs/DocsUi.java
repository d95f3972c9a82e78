package dev.coda.internal.docs;

import dev.coda.Request;
import dev.coda.Response;
import dev.coda.internal.openapi.Docs;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes of the pages that show an app's document, served by the app itself with no request to any other host:
 * Swagger UI at {@code docsUrl} (with its OAuth2 redirect page at {@code docsUrl/oauth2-redirect}), ReDoc at
 * {@code redocUrl}, and each one's webjar files under {@code <url>/assets/<webjar version>/}. A page whose URL is
 * {@code null} has no routes, its files neither. The app compiles these routes like its own, out of its document.
 *
 * <pre>{@code
 * var ui = new DocsUi(docs);
 * for (var endpoint : ui.endpoints()) {
 *     router.add("GET", PathTemplate.parse(endpoint.path()), compile(endpoint.method(), ui));
 * }
 * }</pre>
 */
public final class DocsUi {

    private static final String ASSETS = "/assets/";

    private final Docs docs;
    private final WebjarFiles swaggerUiFiles = new WebjarFiles(Webjar.SWAGGER_UI);
    private final WebjarFiles redocFiles = new WebjarFiles(Webjar.REDOC);
    private final Response swaggerUi;
    private final Response oauth2Redirect;
    private final Response redoc;

    /** A {@code GET} route: its path and the method of this class that answers it. */
    public record Endpoint(String path, Method method) {
    }

    public DocsUi(Docs docs) {
        this.docs = docs;
        var title = docs.info().title();
        // the pages' URLs are the browser's: below the root path, as FastAPI prefixes openapi_url and oauth2_redirect_url
        var root = docs.rootPath();
        this.swaggerUi = docs.docsUrl() == null ? null : Response.html(SwaggerUiPage.html(title + " - Swagger UI", root + docs.openapiUrl(),
                root + assets(docs.docsUrl(), Webjar.SWAGGER_UI), root + oauth2RedirectUrl(docs.docsUrl())));
        this.oauth2Redirect = docs.docsUrl() == null ? null
                : Response.html(SwaggerUiPage.oauth2RedirectHtml(root + assets(docs.docsUrl(), Webjar.SWAGGER_UI)));
        this.redoc = docs.redocUrl() == null ? null
                : Response.html(RedocPage.html(title + " - ReDoc", root + docs.openapiUrl(), root + assets(docs.redocUrl(), Webjar.REDOC)));
    }

    /** The routes to add: none when there is no document, and none for a page whose URL is {@code null}. */
    public List<Endpoint> endpoints() {
        var out = new ArrayList<Endpoint>();
        if (docs.openapiUrl() == null) {
            return out;
        }
        if (docs.docsUrl() != null) {
            out.add(endpoint(docs.docsUrl(), "swaggerUi"));
            out.add(endpoint(oauth2RedirectUrl(docs.docsUrl()), "swaggerUiOauth2Redirect"));
            out.add(endpoint(assets(docs.docsUrl(), Webjar.SWAGGER_UI) + "{file}", "swaggerUiFile"));
        }
        if (docs.redocUrl() != null) {
            out.add(endpoint(docs.redocUrl(), "redoc"));
            out.add(endpoint(assets(docs.redocUrl(), Webjar.REDOC) + "{file}", "redocFile"));
        }
        return out;
    }

    /** What keeps a page from being served: its webjar left off the class path while its URL is set. */
    public List<String> problems() {
        var out = new ArrayList<String>();
        if (docs.openapiUrl() != null && docs.docsUrl() != null && !Webjar.SWAGGER_UI.present()) {
            out.add(missing(Webjar.SWAGGER_UI, "Swagger UI at " + docs.docsUrl(), "docsUrl(null)"));
        }
        if (docs.openapiUrl() != null && docs.redocUrl() != null && !Webjar.REDOC.present()) {
            out.add(missing(Webjar.REDOC, "ReDoc at " + docs.redocUrl(), "redocUrl(null)"));
        }
        return out;
    }

    /** {@code GET /docs}: Swagger UI's page. */
    public Response swaggerUi(Request request) {
        return swaggerUi;
    }

    /** {@code GET /docs/oauth2-redirect}: where an OAuth2 server sends the browser back to Swagger UI. */
    public Response swaggerUiOauth2Redirect(Request request) {
        return oauth2Redirect;
    }

    /** {@code GET /docs/assets/<version>/{file}}: a file of Swagger UI's webjar. */
    public Response swaggerUiFile(String file, Request request) {
        return swaggerUiFiles.answer(file, request);
    }

    /** {@code GET /redoc}: ReDoc's page. */
    public Response redoc(Request request) {
        return redoc;
    }

    /** {@code GET /redoc/assets/<version>/{file}}: a file of ReDoc's webjar. */
    public Response redocFile(String file, Request request) {
        return redocFiles.answer(file, request);
    }

    /** The path a webjar's files are served under, below a page's URL, ending in {@code /}. */
    static String assets(String pageUrl, Webjar webjar) {
        return below(pageUrl, ASSETS + webjar.version() + "/");
    }

    private static String oauth2RedirectUrl(String docsUrl) {
        return below(docsUrl, "/oauth2-redirect");
    }

    private static String below(String pageUrl, String rest) {
        return (pageUrl.endsWith("/") ? pageUrl.substring(0, pageUrl.length() - 1) : pageUrl) + rest;
    }

    private static Endpoint endpoint(String path, String methodName) {
        for (var m : DocsUi.class.getMethods()) {
            if (m.getName().equals(methodName)) {
                return new Endpoint(path, m);
            }
        }
        throw new IllegalStateException("no method " + methodName);
    }

    private static String missing(Webjar webjar, String page, String off) {
        return page + " needs " + webjar.coordinates() + " on the class path (a dependency of coda-web); put it back, or turn the page off with "
                + off;
    }
}
