package dev.vc4j.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.Locale;

/**
 * Logback's configuration for vc-runtime, found through its service file: what the library logs goes to
 * {@code --log} in the runtime's format (WARN and above, everything with {@code --debug}), and never to stdout or
 * stderr, which in the shim are the container's.
 */
public final class LogbackToRuntimeLog extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Appender appender = new Appender();
        appender.setContext(context);
        appender.setName("vc-runtime");
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(RuntimeLog.current().debugEnabled() ? Level.DEBUG : Level.WARN);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            String level = event.getLevel().toString().toLowerCase(Locale.ROOT);
            RuntimeLog.current()
                    .write(
                            level.equals("warn") ? "warning" : level,
                            event.getLoggerName() + ": " + event.getFormattedMessage());
        }
    }
}
