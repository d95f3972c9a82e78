package dev.coda.testsupport;

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
 * Captures what one logger and its children log during one test (a JUnit extension).
 *
 * <pre>{@code
 * @RegisterExtension
 * final LogCapture logs = new LogCapture("dev.coda.tasks");
 *
 * assertThat(logs.at(Level.ERROR, "failed", "sendEmail")).hasSize(1);
 * }</pre>
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final String name;

    /** Captures the logger {@code name} and its children. */
    public LogCapture(String name) {
        this.name = name;
    }

    /** Captures every logger (Jetty's too): the root's appenders see them all. */
    public static LogCapture everything() {
        return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private Logger logger() {
        return (Logger) LoggerFactory.getLogger(name);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (appender) {
            appender.list.clear();
        }
        appender.start();
        logger().addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger().detachAppender(appender);
        appender.stop();
    }

    /** Everything logged so far (the appender appends under its own lock). */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Events at {@code level}. */
    public List<ILoggingEvent> at(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).toList();
    }

    /** Events at {@code level} whose formatted message contains every one of {@code texts}. */
    public List<ILoggingEvent> at(Level level, String... texts) {
        return at(level).stream().filter(e -> containsAll(e, texts)).toList();
    }

    /** Events of the logger named {@code logger} at {@code level} whose formatted message contains every one of {@code texts}. */
    public List<ILoggingEvent> of(String logger, Level level, String... texts) {
        return at(level, texts).stream().filter(e -> e.getLoggerName().equals(logger)).toList();
    }

    /** Events above INFO (warnings and errors), as "LEVEL logger: message" lines, for an assertion's output. */
    public List<String> aboveInfo() {
        return events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    private static boolean containsAll(ILoggingEvent event, String... texts) {
        for (var text : texts) {
            if (!event.getFormattedMessage().contains(text)) {
                return false;
            }
        }
        return true;
    }
}
