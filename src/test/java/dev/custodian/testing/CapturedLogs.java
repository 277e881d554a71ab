package dev.custodian.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything the service logs while open, as text (messages, exception messages and causes),
 * to check what a log line gives away. Close it to stop capturing.
 */
public final class CapturedLogs implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public CapturedLogs() {
        appender.start();
        root.addAppender(appender);
    }

    /** Each event's formatted message followed by the messages of its exception chain. */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) { // the lock logback appends under
            events = List.copyOf(appender.list);
        }
        var lines = new ArrayList<String>();
        for (ILoggingEvent event : events) {
            var text = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
                text.append('\n').append(thrown.getClassName()).append(": ").append(thrown.getMessage());
            }
            lines.add(text.toString());
        }
        return lines;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
