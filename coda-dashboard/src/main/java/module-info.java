/**
 * Coda's task dashboard: counts per queue and state (live), lists with keyset paging and search, a task's page, the
 * workers, retry and cancel; server-rendered HTML, one script and one style sheet from this jar.
 *
 * <pre>{@code
 * Coda.app().routes(new Api()).mount("/dashboard", TaskDashboard.builder(engine).build().app()).run();
 * }</pre>
 */
module dev.coda.dashboard {
    requires transitive dev.coda.web;
    requires transitive dev.coda.durable;
    requires org.slf4j;

    exports dev.coda.dashboard;
    // Coda calls the dashboard's routes by reflection
    opens dev.coda.dashboard to dev.coda.web;
}
