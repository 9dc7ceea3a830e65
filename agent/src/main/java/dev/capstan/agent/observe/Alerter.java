package dev.capstan.agent.observe;

import dev.capstan.agent.config.AlertConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns what happens into alerts, once each: rollouts report their outcome here, and {@link #tick} checks the
 * conditions that only matter once they last (a unit failing or drifted, git unreachable). Every
 * alert is logged; the routing table sends it to the sinks of its severity. Never blocks the caller.
 */
public final class Alerter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Alerter.class);
    static final String REPOSITORY = "repository";

    /** A unit as the time-based rules see it. */
    public record UnitState(String unit, String commit, Optional<String> failure, boolean drifted) {
    }

    private final AlertConfig config;
    private final AlertDispatcher dispatcher;
    private final AlertBook book = new AlertBook();
    private final Clock clock;
    private final Map<String, Instant> failingSince = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Instant> driftedSince = new java.util.concurrent.ConcurrentHashMap<>();

    public Alerter(AlertConfig config, MeterRegistry metrics, Clock clock) {
        this(config, metrics, clock, Duration.ofMillis(500));
    }

    Alerter(AlertConfig config, MeterRegistry metrics, Clock clock, Duration firstBackoff) {
        this.config = config;
        this.clock = clock;
        this.dispatcher = new AlertDispatcher(config, metrics, firstBackoff);
    }

    /** A failed gate was rolled back to the last good release (critical). */
    public void rolledBack(String unit, String commit, String summary, List<String> signals,
                           Optional<String> incident) {
        fire(new Alert(AlertEvent.ROLLBACK, unit, commit, clock.instant(), summary, signals, incident, false));
    }

    /** A failed gate with no earlier good release: quarantined, nothing to go back to (high). */
    public void quarantined(String unit, String commit, String summary, List<String> signals,
                            Optional<String> incident) {
        fire(new Alert(AlertEvent.QUARANTINED, unit, commit, clock.instant(), summary, signals, incident, false));
    }

    /** Healing gave up on an object another field manager keeps changing (medium). */
    public void driftFight(String unit, String commit, String summary) {
        fire(new Alert(AlertEvent.DRIFT_FIGHT, unit, commit, clock.instant(), summary, List.of(), Optional.empty(),
                false));
    }

    /** A release passed its gates: the unit's open incidents are resolved, and a low-severity note goes out. */
    public void deployed(String unit, String commit, int revision) {
        book.resolve(unit, EnumSet.of(AlertEvent.ROLLBACK, AlertEvent.QUARANTINED, AlertEvent.UNIT_FAILING,
                AlertEvent.DRIFT_FIGHT),
                clock.instant(), "revision " + revision + " deployed and healthy").forEach(this::emit);
        failingSince.remove(unit);
        fire(new Alert(AlertEvent.DEPLOYED, unit, commit, clock.instant(), "revision " + revision + " deployed",
                List.of(), Optional.empty(), false));
    }

    /**
     * The conditions that fire by lasting: each unit failing or drifted for longer than {@code failingFor}, and the
     * repository without a successful fetch for longer than {@code gitUnreachableFor}.
     */
    public synchronized void tick(List<UnitState> units, boolean remoteUp, Instant lastFetchSuccess,
                                  String lastCommit) {
        Instant now = clock.instant();
        for (UnitState unit : units) {
            if (unit.failure().isPresent()) {
                Instant since = failingSince.computeIfAbsent(unit.unit(), u -> now);
                if (Duration.between(since, now).compareTo(config.failingFor()) >= 0) {
                    fire(new Alert(AlertEvent.UNIT_FAILING, unit.unit(), unit.commit(), now, "failing for "
                            + Duration.between(since, now).toSeconds() + "s", List.of(unit.failure().get()),
                            Optional.empty(), false));
                }
            } else {
                failingSince.remove(unit.unit());
                book.resolve(unit.unit(), EnumSet.of(AlertEvent.UNIT_FAILING), now, "no longer failing")
                        .forEach(this::emit);
            }
            if (unit.drifted()) {
                // Like failing, drift must last: a check racing a controller's write is not worth a ticket.
                Instant since = driftedSince.computeIfAbsent(unit.unit(), u -> now);
                if (Duration.between(since, now).compareTo(config.failingFor()) >= 0) {
                    fire(new Alert(AlertEvent.DRIFT, unit.unit(), unit.commit(), now,
                            "the cluster differs from git (see /api/drift)", List.of(), Optional.empty(), false));
                }
            } else {
                driftedSince.remove(unit.unit());
                book.resolve(unit.unit(), EnumSet.of(AlertEvent.DRIFT), now, "in sync again").forEach(this::emit);
            }
        }
        boolean unreachable = !remoteUp && Duration.between(lastFetchSuccess, now)
                .compareTo(config.gitUnreachableFor()) >= 0;
        if (unreachable) {
            fire(new Alert(AlertEvent.GIT_UNREACHABLE, REPOSITORY, lastCommit, now, "no successful fetch since "
                    + lastFetchSuccess, List.of(), Optional.empty(), false));
        } else if (remoteUp) {
            book.resolve(REPOSITORY, EnumSet.of(AlertEvent.GIT_UNREACHABLE), now, "fetching again")
                    .forEach(this::emit);
        }
    }

    private void fire(Alert alert) {
        book.fire(alert).ifPresent(this::emit);
    }

    private void emit(Alert alert) {
        String severity = alert.event().severity().label();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("alert", alert.event().label())) {
            if (alert.resolved()) {
                LOG.info("alert resolved [{}] {}: {}", severity, alert.subject(), alert.summary());
            } else if (alert.event().severity() == AlertConfig.Severity.LOW) {
                LOG.info("alert [{}] {}: {}", severity, alert.subject(), alert.summary());
            } else {
                LOG.warn("alert [{}] {}: {} {}", severity, alert.subject(), alert.summary(), alert.details());
            }
        }
        config.route(alert.event().severity()).forEach(sink -> dispatcher.send(sink, alert));
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
