package dev.coda;

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
 * Captures what Coda logs during one test: the {@code dev.coda} logger and its children ({@code dev.coda.tasks}),
 * or, {@linkplain #everything() for tests of what a client can provoke}, every logger (Jetty's too).
 */
final class CodaLogs implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final String name;

    CodaLogs() {
        this("dev.coda");
    }

    private CodaLogs(String name) {
        this.name = name;
    }

    /** Captures every logger: the root's appenders see them all. */
    static CodaLogs everything() {
        return new CodaLogs(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private Logger logger() {
        return (Logger) LoggerFactory.getLogger(name);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.start();
        logger().addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger().detachAppender(appender);
        appender.stop();
    }

    /** Everything logged so far (the appender appends under its own lock). */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Events of {@code logger} at {@code level} whose formatted message contains every one of {@code texts}. */
    List<ILoggingEvent> of(String logger, Level level, String... texts) {
        return events().stream()
                .filter(e -> e.getLoggerName().equals(logger) && e.getLevel() == level)
                .filter(e -> {
                    for (var text : texts) {
                        if (!e.getFormattedMessage().contains(text)) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
    }

    /** Events at {@code level} from any Coda logger. */
    List<ILoggingEvent> at(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).toList();
    }

    /** Events above INFO (warnings and errors), as "LEVEL logger: message" lines, for an assertion's output. */
    List<String> aboveInfo() {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }
}
