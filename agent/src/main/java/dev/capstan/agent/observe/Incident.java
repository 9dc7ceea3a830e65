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

    /** An incident built by name; the review sections start empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Incident} field by field, so no caller counts sixteen positions. */
    public static final class Builder {
        private String id = "";
        private String unit = "";
        private String status = "";
        private Instant openedAt;
        private String summary = "";
        private String impact = "";
        private List<TimelineEntry> timeline = List.of();
        private List<String> signals = List.of();
        private String commit = "";
        private CommitInfo commitInfo;
        private int failedRevision;
        private int restoredRevision;
        private String manifestDiff = "";
        private List<String> wentWell = List.of();
        private List<String> wentWrong = List.of();
        private List<String> actionItems = List.of();

        private Builder() {
        }

        public Builder id(String value) {
            id = value;
            return this;
        }

        public Builder unit(String value) {
            unit = value;
            return this;
        }

        public Builder status(String value) {
            status = value;
            return this;
        }

        public Builder openedAt(Instant value) {
            openedAt = value;
            return this;
        }

        public Builder summary(String value) {
            summary = value;
            return this;
        }

        public Builder impact(String value) {
            impact = value;
            return this;
        }

        public Builder timeline(List<TimelineEntry> value) {
            timeline = value;
            return this;
        }

        public Builder signals(List<String> value) {
            signals = value;
            return this;
        }

        public Builder commit(String value) {
            commit = value;
            return this;
        }

        public Builder commitInfo(CommitInfo value) {
            commitInfo = value;
            return this;
        }

        public Builder failedRevision(int value) {
            failedRevision = value;
            return this;
        }

        public Builder restoredRevision(int value) {
            restoredRevision = value;
            return this;
        }

        public Builder manifestDiff(String value) {
            manifestDiff = value;
            return this;
        }

        public Builder wentWell(List<String> value) {
            wentWell = value;
            return this;
        }

        public Builder wentWrong(List<String> value) {
            wentWrong = value;
            return this;
        }

        public Builder actionItems(List<String> value) {
            actionItems = value;
            return this;
        }

        public Incident build() {
            return new Incident(id, unit, status, openedAt, summary, impact,
                    timeline, signals, commit, commitInfo, failedRevision, restoredRevision,
                    manifestDiff, wentWell, wentWrong, actionItems);
        }
    }
}
