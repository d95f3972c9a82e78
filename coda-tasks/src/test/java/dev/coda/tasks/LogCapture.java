package dev.coda.tasks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** Captures what the {@code dev.coda.tasks} logger logs during one test. */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger("dev.coda.tasks");
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

    /** Everything logged so far (ListAppender appends under the appender's lock). */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    List<ILoggingEvent> at(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).toList();
    }

    /** Events at {@code level} whose formatted message contains every one of {@code texts}. */
    List<ILoggingEvent> at(Level level, String... texts) {
        return at(level).stream().filter(e -> {
            for (var text : texts) {
                if (!e.getFormattedMessage().contains(text)) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}
