package dev.capstan.agent.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's logging, set up in code (no XML to parse, so none of logback's XML machinery is loaded). System
 * properties choose: {@code capstan.log.format} {@code json} (default: JSON lines, {@link JsonLineEncoder}, written on
 * one thread by an async appender that drops nothing) or {@code text} (readable lines with the unit);
 * {@code capstan.log.target} {@code System.out} (default, {@code capstan run}) or {@code System.err} (the other
 * commands, whose stdout is their output); {@code capstan.log.level} (default INFO). A logback file on the class path
 * ({@code logback-test.xml}: the tests'; {@code logback.xml}) or named by {@code -Dlogback.configurationFile} takes
 * over: this one then leaves the configuring to logback's.
 */
@ConfiguratorRank(value = ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** Libraries whose INFO is noise here; fabric8's warning about beta API versions chosen on purpose too. */
    private static final Map<String, Level> QUIETER = Map.of(
            "org.eclipse.jgit", Level.WARN,
            "io.fabric8", Level.WARN,
            "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR,
            "io.netty", Level.WARN,
            "io.vertx", Level.WARN);
    private static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%replace(%replace(%X{chart:-}/%X{env:-}@"
            + "%X{commit:-} r%X{revision:-}){' r$', ''}){'^/@$', '-'}] %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = LogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        boolean text = "text".equals(System.getProperty("capstan.log.format", "json").toLowerCase(Locale.ROOT));
        String target = System.getProperty("capstan.log.target", "System.out");
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(text ? "text" : "json-out");
        console.setTarget(target.equals("System.err") ? "System.err" : "System.out");
        console.setEncoder(text ? textEncoder(context) : jsonEncoder(context));
        console.start();
        Appender<ILoggingEvent> appender = console;
        if (!text) {
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setName("json");
            async.setQueueSize(8192);
            async.setDiscardingThreshold(0);
            async.setNeverBlock(false);
            async.addAppender(console);
            async.start();
            appender = async;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("capstan.log.level", "INFO"), Level.INFO));
        root.addAppender(appender);
        QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
