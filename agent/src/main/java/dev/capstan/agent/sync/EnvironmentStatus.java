package dev.capstan.agent.sync;

import dev.capstan.agent.observe.CommitStatus;
import dev.capstan.agent.release.Release;
import java.util.Collection;
import java.util.List;

/**
 * An environment's status for a commit, from where its units stand: failed if any unit failed at the commit
 * (quarantined after a rollback, refused, not renderable); running while any rolls it out; success once every unit
 * runs it; waiting otherwise. Pure.
 */
final class EnvironmentStatus {
    private EnvironmentStatus() {
    }

    /** {@code units}: every unit of environment {@code env} (removed ones left out by the caller). */
    static CommitStatus of(String env, String commit, Collection<UnitOutcome> units, String targetUrl) {
        String context = "capstan/" + env;
        List<UnitOutcome> atCommit = units.stream().filter(u -> u.commit().equals(commit)).toList();
        for (UnitOutcome unit : atCommit) {
            String chart = chartOf(unit);
            switch (unit) {
                case UnitOutcome.Held held when held.hold() == Release.Hold.QUARANTINED -> {
                    return new CommitStatus(commit, context, CommitStatus.State.FAILURE, chart + " rolled back: "
                            + condensed(held.message()), targetUrl);
                }
                case UnitOutcome.Failed failed -> {
                    return new CommitStatus(commit, context, CommitStatus.State.FAILURE, chart + " failed ("
                            + failed.stage().name().toLowerCase(java.util.Locale.ROOT) + "): " + failed.message(),
                            targetUrl);
                }
                default -> { }
            }
        }
        for (UnitOutcome unit : atCommit) {
            if (unit instanceof UnitOutcome.Progressing progressing) {
                return new CommitStatus(commit, context, CommitStatus.State.RUNNING, chartOf(unit) + " rolling out: "
                        + progressing.phase(), targetUrl);
            }
        }
        long synced = atCommit.stream().filter(UnitOutcome.Synced.class::isInstance).count();
        if (!units.isEmpty() && synced == units.size()) {
            return new CommitStatus(commit, context, CommitStatus.State.SUCCESS, "deployed to " + env + " ("
                    + synced + (synced == 1 ? " chart)" : " charts)"), targetUrl);
        }
        String why = atCommit.stream().filter(UnitOutcome.Waiting.class::isInstance).map(u -> ((UnitOutcome.Waiting) u)
                .reason()).findFirst().orElse(synced + " of " + units.size() + " charts deployed");
        return new CommitStatus(commit, context, CommitStatus.State.WAITING, why, targetUrl);
    }

    /**
     * A rollback's reason fitted to the host's 140 characters with the root cause kept: "canary 50% failed:
     * Deployment web-canary: container web CrashLoopBackOff ..." — without the namespaces, pod names and the words
     * the page says anyway (the status links to it).
     */
    static String condensed(String message) {
        return message.replace("health gate of step ", "").replace("; canary removed: ", ": ")
                .replaceAll("; traffic back on revision (\\d+), the new version removed: ", ", back on $1: ")
                .replaceAll("; the new version removed; traffic never left revision \\d+: ", ": ")
                .replaceAll("pod [a-z0-9.-]+: ", "")
                .replaceAll("\\b([A-Z][A-Za-z]+) [a-z0-9.-]+/([a-z0-9.-]+)", "$1 $2");
    }

    private static String chartOf(UnitOutcome unit) {
        int slash = unit.unit().indexOf('/');
        return slash < 0 ? unit.unit() : unit.unit().substring(0, slash);
    }
}
