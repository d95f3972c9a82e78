package dev.coda.internal.docs;

/**
 * The HTML of ReDoc's page: FastAPI's {@code get_redoc_html} without its Google Fonts link (the page makes no request
 * to any other host; ReDoc falls back to the system's fonts) and with ReDoc's bundle served by the app itself.
 *
 * <pre>{@code
 * var page = RedocPage.html("Shop - ReDoc", "/openapi.json", "/redoc/assets/2.5.1/");
 * }</pre>
 */
final class RedocPage {

    private RedocPage() {
    }

    /**
     * The page that loads ReDoc.
     *
     * @param assets the path the webjar's files are served under, ending in {@code /}
     */
    static String html(String title, String openapiUrl, String assets) {
        return """
                <!DOCTYPE html>
                <html>
                <head>
                <title>%s</title>
                <!-- needed for adaptive design -->
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <!-- no favicon of its own: an empty one, so that the browser does not ask for /favicon.ico -->
                <link rel="icon" href="data:,">
                <!--
                ReDoc doesn't change outer page styles
                -->
                <style>
                  body {
                    margin: 0;
                    padding: 0;
                  }
                </style>
                </head>
                <body>
                <noscript>
                    ReDoc requires Javascript to function. Please enable it to browse the documentation.
                </noscript>
                <redoc spec-url="%s"></redoc>
                <script src="%sredoc.standalone.js"> </script>
                </body>
                </html>
                """.formatted(Html.text(title), Html.text(openapiUrl), Html.text(assets));
    }
}
