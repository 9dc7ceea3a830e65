package dev.capstan.agent.sync;

import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a release record for every apply and keeps the board's copy of the history current. A record that cannot
 * be written is logged and does not fail the unit: the cluster already holds what was applied. Blocking.
 */
public final class ReleaseRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseRecorder.class);

    private final ReleaseStore store;
    private final StatusBoard board;
    private volatile boolean loaded;

    public ReleaseRecorder(ReleaseStore store, StatusBoard board) {
        this.store = store;
        this.board = board;
    }

    /** Reads every unit's history once (on the first cycle), so the API shows it after a restart. */
    void loadOnce() {
        if (loaded) {
            return;
        }
        try {
            store.all().stream().collect(Collectors.groupingBy(Release::unit)).forEach(board::record);
            loaded = true;
        } catch (RuntimeException e) {
            LOG.warn("release history not readable yet: {}", e.getMessage());
        }
    }

    void record(DesiredState desired, String chartVersion, String appVersion, Release.Status status,
                String message) {
        try {
            store.record(desired.chart(), desired.env(), desired.commit(), chartVersion, appVersion, status,
                    desired.digest(), desired.manifest(), message);
            List<Release> history = store.history(desired.chart(), desired.env());
            board.record(desired.chart() + "/" + desired.env(), history);
        } catch (RuntimeException e) {
            LOG.error("release record not written: {}", e.getMessage());
        }
    }
}
