package dev.coda.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Every log line of the process during one test, whatever its logger (Coda's, HikariCP's, Jetty's): for tests
 * that bound what a fault or a flood of bad requests writes to the logs.
 *
 * <pre>{@code
 * @RegisterExtension final LogLines logs = new LogLines();
 * int before = logs.count();
 * ... // the outage
 * assertThat(logs.since(before)).filteredOn(LogLines::hasStackTrace).isEmpty();
 * }</pre>
 */
final class LogLines implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }

    /** Starts capturing (for test engines other than Jupiter's: jqwik's lifecycle hooks). */
    void start() {
        appender.start();
        root().addAppender(appender);
    }

    /** Stops capturing. */
    void stop() {
        root().detachAppender(appender);
        appender.stop();
    }

    /** How many lines were logged so far. */
    int count() {
        synchronized (appender) {
            return appender.list.size();
        }
    }

    /** The lines logged since the {@code from}-th. */
    List<ILoggingEvent> since(int from) {
        synchronized (appender) {           // ListAppender appends under its own lock
            return List.copyOf(appender.list.subList(from, appender.list.size()));
        }
    }

    /** Whether a line is WARN or ERROR. */
    static boolean aboveInfo(ILoggingEvent event) {
        return event.getLevel().isGreaterOrEqual(Level.WARN);
    }

    /** Whether a line carries an exception's stack trace. */
    static boolean hasStackTrace(ILoggingEvent event) {
        return event.getThrowableProxy() != null;
    }

    /** A line as a log file shows it, for failure messages. */
    static String format(ILoggingEvent event) {
        return event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : " [" + event.getThrowableProxy().getClassName() + "]");
    }
}
