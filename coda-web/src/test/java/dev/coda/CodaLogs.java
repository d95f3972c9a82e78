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

/** Captures what Coda logs during one test: the {@code dev.coda} logger and its children ({@code dev.coda.tasks}). */
final class CodaLogs implements BeforeEachCallback, AfterEachCallback {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger("dev.coda");
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
}
