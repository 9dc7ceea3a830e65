package dev.capstan.agent.release;

import java.time.Instant;
import java.util.Locale;

/**
 * One revision of one unit as it went to the cluster: which commit, which chart version, how it ended, and (stored
 * beside it, compressed) the exact manifests, so a rollback never needs git.
 */
public record Release(String chart, String env, int revision, String commit, String chartVersion, String appVersion,
                      Status status, Instant startedAt, Instant updatedAt, String digest, String message) {

    public enum Status {
        PROGRESSING, DEPLOYED, SUPERSEDED, FAILED, ROLLED_BACK;

        /** As Helm and the API show it: {@code deployed}, {@code rolled-back}... */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Status of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public String unit() {
        return chart + "/" + env;
    }

    Release withStatus(Status newStatus, Instant at) {
        return new Release(chart, env, revision, commit, chartVersion, appVersion, newStatus, startedAt, at, digest,
                message);
    }
}
