/**
 * Coda's web framework: path operations as plain methods, parameters from the path, query, headers, body and
 * dependencies, FastAPI's error shapes, OpenAPI, and background tasks after the response.
 *
 * <pre>{@code
 * Coda.app().routes(new Items()).start();
 * }</pre>
 *
 * <p>An application that is itself a named module opens its route, task and model packages to {@code dev.coda.web},
 * {@code dev.coda.tasks}, {@code dev.coda.durable} (if used) and {@code com.fasterxml.jackson.databind}
 * ({@code docs/architecture.md}, "The API boundary").
 */
module dev.coda.web {
    requires transitive dev.coda.tasks;
    requires transitive org.eclipse.jetty.server;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive jakarta.validation;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires org.eclipse.jetty.compression.server;
    requires org.eclipse.jetty.compression.gzip;
    requires static org.eclipse.jetty.compression.zstandard;    // zstd(...) is opt-in: the app adds the artifact
    requires org.hibernate.validator;
    requires java.net.http;

    exports dev.coda;
    exports dev.coda.security;
    exports dev.coda.testing;
    // the one HTML escaping of Coda's pages, for the task dashboard's (coda-dashboard)
    exports dev.coda.internal.docs to dev.coda.dashboard;
}
