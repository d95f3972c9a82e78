/**
 * Coda's in-process background tasks: {@link dev.coda.tasks.BackgroundTasks}, the request-scoped list a path
 * operation adds to, and the {@link dev.coda.tasks.TaskRuntime} that runs it after the response.
 *
 * <pre>{@code
 * backgroundTasks.addTask(Notifications::write, email, "some notification");
 * }</pre>
 */
module dev.coda.tasks {
    requires transitive org.slf4j;
    requires transitive micrometer.core;
    requires java.management;
    requires io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports dev.coda.tasks;
    exports dev.coda.tasks.internal to dev.coda.web, dev.coda.durable, dev.coda.durable.redis;
}
