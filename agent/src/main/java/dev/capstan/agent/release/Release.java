package dev.capstan.agent.release;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One revision of one unit as it went to the cluster: which commit, which chart version, how it ended, and (stored
 * beside it, compressed) the exact manifests, so a rollback never needs git.
 *
 * @param source        what the unit was rendered from (capstan.yaml blob, chart tree, capabilities); a hold applies
 *                      while the unit's source is still this one
 * @param phase         while {@code progressing}: the step it reached ({@code canary 25%}, {@code full})
 * @param failingChecks the gate's failure signals, when it failed
 * @param rollbackTo    the revision whose manifests this one re-applied; 0 for a forward release
 * @param hold          whether this revision keeps auto-sync away from its source (quarantined, pinned)
 * @param corrections   drift healed while this revision was deployed, newest last (at most
 *                      {@value #MAX_CORRECTIONS})
 * @param origin        the commit's author and subject, and who made this revision (the agent following git, an
 *                      automatic rollback, or a person's token)
 */
public record Release(String chart, String env, int revision, String commit, String chartVersion, String appVersion,
                      Status status, Instant startedAt, Instant updatedAt, String digest, String message,
                      String source, String phase, List<String> failingChecks, int rollbackTo, Hold hold,
                      List<Correction> corrections, Origin origin) {
    public static final int MAX_CORRECTIONS = 20;

    public Release {
        message = message == null ? "" : message;
        source = source == null ? "" : source;
        phase = phase == null ? "" : phase;
        failingChecks = failingChecks == null ? List.of() : List.copyOf(failingChecks);
        hold = hold == null ? Hold.NONE : hold;
        corrections = corrections == null ? List.of() : List.copyOf(corrections);
        origin = origin == null ? Origin.UNKNOWN : origin;
    }

    /**
     * Where a revision came from: the commit's author and the first line of its message (empty for records written
     * before they were kept), and who made it: {@link #BY_AGENT}, {@link #BY_AUTOMATIC_ROLLBACK} or
     * {@code token <name>} / {@code the open API} for a rollback asked for through the API.
     */
    public record Origin(String author, String subject, String by) {
        public static final String BY_AGENT = "capstan (following git)";
        public static final String BY_AUTOMATIC_ROLLBACK = "capstan (automatic rollback)";
        public static final Origin UNKNOWN = new Origin("", "", "");
        private static final int MAX_SUBJECT = 200;

        public Origin {
            author = author == null ? "" : author;
            subject = subject == null ? "" : subject.lines().findFirst().orElse("").strip();
            subject = subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT - 1) + "…";
            by = by == null ? "" : by;
        }

        /** The same commit, made by someone else (a rollback re-applies an earlier commit). */
        public Origin by(String who) {
            return new Origin(author, subject, who);
        }
    }

    /**
     * Drift Capstan corrected: when, which object, which fields had changed, and who had changed them (the other
     * field manager, as the API server recorded it; empty when unknown, e.g. a deleted object).
     */
    public record Correction(Instant at, String object, List<String> fields, String changedBy) {
        public Correction {
            fields = List.copyOf(fields);
        }
    }

    /** This revision with {@code correction} added (the oldest dropped past {@value #MAX_CORRECTIONS}). */
    public Release withCorrection(Correction correction) {
        List<Correction> all = new java.util.ArrayList<>(corrections);
        all.add(correction);
        List<Correction> kept = all.subList(Math.max(0, all.size() - MAX_CORRECTIONS), all.size());
        return toBuilder().corrections(kept).build();
    }

    public enum Status {
        PROGRESSING, DEPLOYED, SUPERSEDED, FAILED, ROLLED_BACK,
        /** The unit left the repository and none of its objects is left in the cluster (as Helm's uninstalled). */
        UNINSTALLED;

        /** As Helm and the API show it: {@code deployed}, {@code rolled-back}... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Status of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Why auto-sync leaves a unit alone while its source is unchanged. */
    public enum Hold {
        NONE, QUARANTINED, PINNED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public String unit() {
        return chart + "/" + env;
    }

    public Release withStatus(Status newStatus, Instant at) {
        return toBuilder().status(newStatus).updatedAt(at).build();
    }

    public Release withPhase(String newPhase, Instant at) {
        return toBuilder().phase(newPhase).updatedAt(at).build();
    }

    public Release withHold(Hold newHold, Instant at) {
        return toBuilder().hold(newHold).updatedAt(at).build();
    }

    /** Ends a rollout: final status, what it says, the failing checks (empty unless it failed). */
    public Release ended(Status newStatus, String newMessage, List<String> checks, Instant at) {
        return toBuilder().status(newStatus).message(newMessage).phase("").failingChecks(checks).updatedAt(at)
                .build();
    }

    /** A release built field by field, by name. */
    public static Builder builder() {
        return new Builder();
    }

    /** This release as a builder, to change some of its fields. */
    public Builder toBuilder() {
        return new Builder().chart(chart).env(env).revision(revision).commit(commit).chartVersion(chartVersion)
                .appVersion(appVersion).status(status).startedAt(startedAt).updatedAt(updatedAt).digest(digest)
                .message(message).source(source).phase(phase).failingChecks(failingChecks).rollbackTo(rollbackTo)
                .hold(hold).corrections(corrections).origin(origin);
    }

    /** Builds a {@link Release} by naming its fields; what is not named takes the record's defaults. */
    public static final class Builder {
        private String chart;
        private String env;
        private int revision;
        private String commit;
        private String chartVersion;
        private String appVersion;
        private Status status;
        private Instant startedAt;
        private Instant updatedAt;
        private String digest;
        private String message;
        private String source;
        private String phase;
        private List<String> failingChecks;
        private int rollbackTo;
        private Hold hold;
        private List<Correction> corrections;
        private Origin origin;

        private Builder() {
        }

        public Builder chart(String value) {
            chart = value;
            return this;
        }

        public Builder env(String value) {
            env = value;
            return this;
        }

        public Builder revision(int value) {
            revision = value;
            return this;
        }

        public Builder commit(String value) {
            commit = value;
            return this;
        }

        public Builder chartVersion(String value) {
            chartVersion = value;
            return this;
        }

        public Builder appVersion(String value) {
            appVersion = value;
            return this;
        }

        public Builder status(Status value) {
            status = value;
            return this;
        }

        public Builder startedAt(Instant value) {
            startedAt = value;
            return this;
        }

        public Builder updatedAt(Instant value) {
            updatedAt = value;
            return this;
        }

        public Builder digest(String value) {
            digest = value;
            return this;
        }

        public Builder message(String value) {
            message = value;
            return this;
        }

        public Builder source(String value) {
            source = value;
            return this;
        }

        public Builder phase(String value) {
            phase = value;
            return this;
        }

        public Builder failingChecks(List<String> value) {
            failingChecks = value;
            return this;
        }

        public Builder rollbackTo(int value) {
            rollbackTo = value;
            return this;
        }

        public Builder hold(Hold value) {
            hold = value;
            return this;
        }

        public Builder corrections(List<Correction> value) {
            corrections = value;
            return this;
        }

        public Builder origin(Origin value) {
            origin = value;
            return this;
        }

        public Release build() {
            return new Release(chart, env, revision, commit, chartVersion, appVersion, status, startedAt, updatedAt,
                    digest, message, source, phase, failingChecks, rollbackTo, hold, corrections, origin);
        }
    }
}
