package dev.coda.internal.docs;

/**
 * The HTML of Swagger UI's page and of its OAuth2 redirect page: FastAPI's {@code get_swagger_ui_html} with the same
 * {@code SwaggerUIBundle} options, and {@code get_swagger_ui_oauth2_redirect_html}, but with the assets served by the
 * app itself instead of a CDN. Everything inserted is escaped for where it goes.
 *
 * <pre>{@code
 * var page = SwaggerUiPage.html("Shop - Swagger UI", "/openapi.json", "/docs/assets/5.35.0/", "/docs/oauth2-redirect");
 * }</pre>
 */
final class SwaggerUiPage {

    private SwaggerUiPage() {
    }

    /**
     * The page that loads Swagger UI.
     *
     * @param assets the path the webjar's files are served under, ending in {@code /}
     * @param oauth2RedirectUrl the path of the OAuth2 redirect page, on the page's own origin
     */
    static String html(String title, String openapiUrl, String assets, String oauth2RedirectUrl) {
        return """
                <!DOCTYPE html>
                <html>
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1.0">
                <link type="text/css" rel="stylesheet" href="%1$sswagger-ui.css">
                <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png" sizes="32x32">
                <link rel="icon" type="image/png" href="%1$sfavicon-16x16.png" sizes="16x16">
                <title>%2$s</title>
                </head>
                <body>
                <div id="swagger-ui">
                </div>
                <script src="%1$sswagger-ui-bundle.js"></script>
                <!-- `SwaggerUIBundle` is now available on the page -->
                <script>
                const ui = SwaggerUIBundle({
                    url: %3$s,
                    "dom_id": "#swagger-ui",
                    "layout": "BaseLayout",
                    "deepLinking": true,
                    "showExtensions": true,
                    "showCommonExtensions": true,
                    oauth2RedirectUrl: window.location.origin + %4$s,
                    presets: [
                        SwaggerUIBundle.presets.apis,
                        SwaggerUIBundle.SwaggerUIStandalonePreset
                    ],
                })
                </script>
                </body>
                </html>
                """.formatted(Html.text(assets), Html.text(title), Html.jsString(openapiUrl), Html.jsString(oauth2RedirectUrl));
    }

    /** The page an OAuth2 server sends the browser back to: the webjar's {@code oauth2-redirect.html}, its script at {@code assets}. */
    static String oauth2RedirectHtml(String assets) {
        return """
                <!doctype html>
                <html lang="en-US">
                <head>
                <title>Swagger UI: OAuth2 Redirect</title>
                </head>
                <body>
                <script src="%soauth2-redirect.js"></script>
                </body>
                </html>
                """.formatted(Html.text(assets));
    }
}
