package dev.vc4j.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Every line logged in this JVM while it is open, at every level and by every logger (vc4j's, gRPC's, Netty's),
 * kept in memory by a Logback list appender on the root logger, which it raises to DEBUG meanwhile.
 */
final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level level = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            // the thread's name and MDC are read when asked for, unless taken now, on the thread that logs
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    LogCapture() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
    }

    /** The lines so far, in the order they were logged. */
    List<ILoggingEvent> events() {
        synchronized (appender) { // the appender appends under its own lock
            return List.copyOf(appender.list);
        }
    }

    /** All a line shows anywhere: its thread, logger, MDC, message with its arguments, and exception. */
    static String everything(ILoggingEvent event) {
        String thrown = event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy());
        return event.getThreadName() + " " + event.getLoggerName() + " " + event.getMDCPropertyMap() + " "
                + event.getFormattedMessage() + " " + thrown;
    }

    @Override
    public void close() {
        root.setLevel(level);
        root.detachAppender(appender);
        appender.stop();
    }
}
