package dev.coda.dashboard;

import dev.coda.Coda;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** What the tests read from the dashboard's pages: an app that mounts it, its CSRF cookie and hidden field, its links. */
final class Pages {

    private static final Pattern FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile(Csrf.COOKIE + "=([^;]+)");
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
    private static final Pattern NEXT = Pattern.compile("<a rel=\"next\" href=\"([^\"]+)\"");

    private Pages() {
    }

    /** An app with a route of its own and the dashboard under {@code /dashboard}. */
    static Coda mounted(TaskDashboard dashboard) {
        return Coda.app().routes(new Object() {
            @dev.coda.Get("/hello")
            public String hello() {
                return "hello";
            }
        }).mount("/dashboard", dashboard.app()).build();
    }

    /** A client of an app with {@code dashboard} mounted under {@code /dashboard}. */
    static TestClient client(TaskDashboard.Builder dashboard) {
        return TestClient.of(mounted(dashboard.build()));
    }

    static String csrfField(TestResponse page) {
        var m = FIELD.matcher(page.text());
        if (!m.find()) {
            throw new AssertionError("no CSRF field in " + page.text());
        }
        return m.group(1);
    }

    static String csrfCookie(TestResponse page) {
        var header = page.headers().getOrDefault("set-cookie", java.util.List.of()).stream()
                .filter(h -> h.startsWith(Csrf.COOKIE + "=")).findFirst().orElseThrow(() -> new AssertionError("no CSRF cookie set"));
        var m = COOKIE.matcher(header);
        m.find();
        return m.group(1);
    }

    static String setCookieHeader(TestResponse page) {
        return page.headers().getOrDefault("set-cookie", java.util.List.of()).stream()
                .filter(h -> h.startsWith(Csrf.COOKIE + "=")).findFirst().orElseThrow(() -> new AssertionError("no CSRF cookie set"));
    }

    /** The next page's link, unescaped ({@code &amp;} back to {@code &}), or null on the last page. */
    static String next(TestResponse page) {
        var m = NEXT.matcher(page.text());
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    /** The hidden fields of the page's forms, as a browser sends them (unescaped). */
    static Map<String, String> hiddenFields(TestResponse page) {
        var fields = new LinkedHashMap<String, String>();
        var m = HIDDEN.matcher(page.text());
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&"));
        }
        return fields;
    }

    /** Posts a form's fields with the page's cookie as a browser would. */
    static TestResponse submit(TestClient client, String path, String cookie, Map<String, String> fields) {
        var request = client.request("POST", path);
        if (cookie != null) {
            request.header("Cookie", Csrf.COOKIE + "=" + cookie);
        }
        fields.forEach(request::form);
        return request.send();
    }

    /** Posts an action with a cookie and a form token as a browser would. */
    static TestResponse post(TestClient client, String path, String cookie, String token) {
        var request = client.request("POST", path);
        if (cookie != null) {
            request.header("Cookie", Csrf.COOKIE + "=" + cookie);
        }
        request.form("csrf", token == null ? "" : token);
        return request.send();
    }
}
