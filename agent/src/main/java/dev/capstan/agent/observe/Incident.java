package dev.capstan.agent.observe;

import dev.capstan.agent.git.CommitInfo;
import java.time.Instant;
import java.util.List;

/**
 * What happened when an automatic rollback was needed: a blameless post-mortem draft. {@code signals} are the failing
 * checks' messages (the root-cause signal); {@code manifestDiff} is the failed release against the last good one,
 * secrets masked; the three review sections start empty for people to fill.
 *
 * @param status {@code resolved} once the rollback was confirmed healthy, else {@code open}
 */
public record Incident(String id, String unit, String status, Instant openedAt, String summary, String impact,
                       List<TimelineEntry> timeline, List<String> signals, String commit, CommitInfo commitInfo,
                       int failedRevision, int restoredRevision, String manifestDiff, List<String> wentWell,
                       List<String> wentWrong, List<String> actionItems) {
    public Incident {
        timeline = List.copyOf(timeline);
        signals = List.copyOf(signals);
        wentWell = wentWell == null ? List.of() : List.copyOf(wentWell);
        wentWrong = wentWrong == null ? List.of() : List.copyOf(wentWrong);
        actionItems = actionItems == null ? List.of() : List.copyOf(actionItems);
    }

    /** One moment of the timeline. */
    public record TimelineEntry(Instant at, String event) {
    }
}
