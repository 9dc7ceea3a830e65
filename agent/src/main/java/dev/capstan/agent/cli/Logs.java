package dev.capstan.agent.cli;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The end of logging: JSON lines are written by one background thread (logback.xml), so they are flushed at exit. */
final class Logs {
    private Logs() {
    }

    /** Writes what is queued and stops logging; later lines are dropped. Called last before the process exits. */
    static void flush() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
