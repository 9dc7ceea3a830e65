package dev.capstan.agent.observe;

import dev.capstan.agent.config.AlertConfig.Severity;
import java.util.Locale;

/** What an alert is about, and how much it matters. */
public enum AlertEvent {
    /** A health gate failed and the unit went back to its last good release. */
    ROLLBACK(Severity.CRITICAL),
    /** A commit was quarantined without a rollback (no earlier good release). */
    QUARANTINED(Severity.HIGH),
    /** A unit has been failing (render or apply) for longer than {@code alerts.failingFor}. */
    UNIT_FAILING(Severity.HIGH),
    /** The cluster differs from git for a while: drift is only reported there, or healing could not fix it. */
    DRIFT(Severity.MEDIUM),
    /** Something keeps changing an object back after Capstan corrected it; healing of that object stopped. */
    DRIFT_FIGHT(Severity.MEDIUM),
    /** No successful fetch for longer than {@code alerts.gitUnreachableFor}. */
    GIT_UNREACHABLE(Severity.MEDIUM),
    /** A release was deployed and passed its gates. */
    DEPLOYED(Severity.LOW);

    private final Severity severity;

    AlertEvent(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
