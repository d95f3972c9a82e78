package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.durable.DurableState;
import java.util.Locale;

/** The frame of every page: head (this jar's style sheet and script only), navigation, main content. */
final class Layout {

    /** The navigation's sections. */
    enum Section { OVERVIEW, TASKS, WORKERS, IN_PROCESS }

    private Layout() {
    }

    /**
     * A whole page; {@code main} is HTML already escaped by its page.
     *
     * @param root the dashboard's prefix ({@code /dashboard}), where its links and assets start
     */
    static String page(String root, Section section, String title, String main) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · Coda tasks</title>
                <link rel="stylesheet" href="%s/assets/dashboard.css">
                <script src="%s/assets/dashboard.js" defer></script>
                </head>
                <body data-root="%s">
                <header class="top">
                <a class="brand" href="%s/">Coda tasks</a>
                <nav>%s%s%s%s</nav>
                </header>
                <main>
                <h1>%s</h1>
                %s
                </main>
                </body>
                </html>
                """.formatted(esc(title), esc(root), esc(root), esc(root), esc(root),
                link(root + "/", "Overview", section == Section.OVERVIEW),
                link(root + "/tasks", "Tasks", section == Section.TASKS),
                link(root + "/workers", "Workers", section == Section.WORKERS),
                link(root + "/in-process", "In-process", section == Section.IN_PROCESS),
                esc(title), main);
    }

    private static String link(String href, String text, boolean current) {
        return "<a href=\"" + esc(href) + "\"" + (current ? " aria-current=\"page\"" : "") + ">" + esc(text) + "</a>";
    }

    /** A state as a coloured badge. */
    static String badge(DurableState state) {
        var name = state.name().toLowerCase(Locale.ROOT);
        return "<span class=\"badge " + esc(name) + "\">" + esc(name) + "</span>";
    }

    /** A short notice above a page's content: {@code kind} is {@code ok} or {@code problem}. */
    static String notice(String kind, String text) {
        return "<p class=\"notice " + esc(kind) + "\" role=\"status\">" + esc(text) + "</p>";
    }
}
