package dev.capstan.agent.sync;

import dev.capstan.agent.drift.ManifestDiff;
import dev.capstan.agent.git.CommitInfo;
import dev.capstan.agent.observe.Incident;
import dev.capstan.agent.observe.IncidentStore;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.rollout.RolloutResult;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an incident for every automatic rollback: what, where, impact, the timeline, the failing checks, the
 * offending commit and the manifest diff against the last good release. A record that cannot be written is logged
 * and kept in memory: the rollback itself already happened. Blocking.
 */
final class IncidentRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentRecorder.class);

    private final IncidentStore incidents;
    private final ReleaseStore releases;
    private final ManifestDiff diff;
    private final IncidentLog log;
    private final Clock clock;
    private volatile boolean loaded;

    IncidentRecorder(IncidentStore incidents, ReleaseStore releases, ManifestDiff diff, IncidentLog log,
                     Clock clock) {
        this.incidents = incidents;
        this.releases = releases;
        this.diff = diff;
        this.log = log;
        this.clock = clock;
    }

    /** Reads the stored incidents once, so the API shows them after a restart. */
    void loadOnce() {
        if (!loaded) {
            loaded = reloadAll();
        }
    }

    /** Re-reads every stored incident (a standby keeps its reads current this way); whether it could. */
    boolean reloadAll() {
        try {
            incidents.all().forEach(log::record);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("incident records not readable yet: {}", e.getMessage());
            return false;
        }
    }

    /** What a failure that needed no rollback revision did, by strategy (as the failed revision's record says). */
    private static String withoutNewRevision(String failedMessage) {
        java.util.regex.Matcher back = java.util.regex.Pattern.compile("traffic back on revision (\\d+)")
                .matcher(failedMessage);
        if (back.find()) {
            return "blue-green: the Services went back to revision " + back.group(1) + "'s pods, which never stopped "
                    + "running, and the new version was removed";
        }
        if (failedMessage.contains("traffic never left")) {
            return "blue-green: the new version was removed before it got any traffic; the running release was "
                    + "never touched";
        }
        return "the canary was removed; the stable release was never touched";
    }

    Incident open(String unit, RolloutResult.RolledBack result, CommitInfo commit, UnitTimeline timeline) {
        Release failed = result.release();
        Optional<Release> restored = result.restored();
        Optional<Release> good = restored.flatMap(r -> find(failed, r.rollbackTo()))
                .or(() -> lastDeployedBefore(failed));
        String manifestDiff = good.map(g -> diffOf(g, failed)).orElse("(no earlier good release)\n");
        String impact = "revision " + failed.revision() + " (commit " + shortCommit(failed.commit()) + ") failed "
                + "its health gate; " + (restored.isPresent()
                ? "rolled back to revision " + restored.get().rollbackTo() + " as revision " + restored.get()
                .revision() + (restored.get().status() == Release.Status.DEPLOYED ? ", healthy again"
                : ", which is NOT healthy either")
                : good.isPresent() ? withoutNewRevision(failed.message())
                : "there was no earlier good release to return to");
        boolean resolved = restored.map(r -> r.status() == Release.Status.DEPLOYED).orElse(good.isPresent());
        Incident incident = Incident.builder().id(unit.replace('/', '-') + "-r" + failed.revision()).unit(unit)
                .status(resolved ? "resolved" : "open").openedAt(clock.instant())
                .summary(unit + ": automatic rollback after a failed health gate").impact(impact)
                .timeline(timeline.entries()).signals(result.signals())
                .commit(failed.commit()).commitInfo(commit).failedRevision(failed.revision())
                .restoredRevision(restored.map(Release::revision).orElse(0)).manifestDiff(manifestDiff).build();
        log.record(incident);
        try {
            incidents.save(incident);
        } catch (RuntimeException e) {
            LOG.error("incident {} not stored: {}", incident.id(), e.getMessage());
        }
        return incident;
    }

    private String diffOf(Release good, Release failed) {
        try {
            String before = releases.manifests(good.chart(), good.env(), good.revision()).orElse("");
            String after = releases.manifests(failed.chart(), failed.env(), failed.revision()).orElse("");
            return diff.between(good.chart(), "revision-" + good.revision(), before, "revision-" + failed.revision(),
                    after);
        } catch (RuntimeException e) {
            return "(diff unavailable: " + e.getMessage() + ")\n";
        }
    }

    private Optional<Release> find(Release failed, int revision) {
        return releases.history(failed.chart(), failed.env()).stream().filter(r -> r.revision() == revision)
                .findFirst();
    }

    private Optional<Release> lastDeployedBefore(Release failed) {
        return releases.history(failed.chart(), failed.env()).stream()
                .filter(r -> r.revision() < failed.revision() && r.status() == Release.Status.DEPLOYED)
                .reduce((a, b) -> b);
    }

    private static String shortCommit(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
