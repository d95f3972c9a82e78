package dev.coda.internal.openapi;

import dev.coda.OpenApi;

/**
 * Where an app serves its OpenAPI document and the pages that show it, and what the document says of the app.
 *
 * @param openapiUrl the document's path, or {@code null}: then no document, and no pages either
 * @param docsUrl Swagger UI's path, or {@code null}
 * @param redocUrl ReDoc's path, or {@code null}
 * @param rootPath the prefix a proxy serves the app under ({@code ""} for none): the pages load the document below it
 */
public record Docs(String openapiUrl, String docsUrl, String redocUrl, OpenApi info, String rootPath) {

    /** FastAPI's defaults: {@code /openapi.json}, {@code /docs}, {@code /redoc}. */
    public static Docs defaults() {
        return new Docs("/openapi.json", "/docs", "/redoc", OpenApi.defaults(), "");
    }
}
