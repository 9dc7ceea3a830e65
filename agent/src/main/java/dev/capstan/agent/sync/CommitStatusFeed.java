package dev.capstan.agent.sync;

import dev.capstan.agent.config.CommitStatusConfig;
import dev.capstan.agent.observe.CommitStatusReporter;
import java.util.List;

/**
 * Tells the git host where each environment stands with a commit whenever one of its units moves: listens to
 * {@link UnitStates}, works out the environment's status ({@link EnvironmentStatus}) and hands it to the reporter,
 * which posts it on its own thread. Only units this agent works on move here (the leader, or a shard's holder).
 */
public final class CommitStatusFeed {
    private final UnitStates units;
    private final CommitStatusReporter reporter;
    private final String pageUrl;

    private CommitStatusFeed(UnitStates units, CommitStatusReporter reporter, CommitStatusConfig config) {
        this.units = units;
        this.reporter = reporter;
        this.pageUrl = config.pageUrl().map(u -> u.toString().replaceAll("/+$", "") + "/").orElse("");
    }

    /** Starts reporting the units of {@code board} to {@code reporter}. */
    public static void start(StatusBoard board, CommitStatusReporter reporter, CommitStatusConfig config) {
        CommitStatusFeed feed = new CommitStatusFeed(board.unitStates(), reporter, config);
        board.unitStates().onRecord(feed::moved);
    }

    private void moved(UnitOutcome outcome) {
        if (outcome instanceof UnitOutcome.Removed || outcome.commit().isEmpty()) {
            return;
        }
        String env = outcome.unit().substring(outcome.unit().indexOf('/') + 1);
        List<UnitOutcome> ofEnv = units.ofEnvironment(env).stream()
                .filter(u -> !(u instanceof UnitOutcome.Removed)).toList();
        reporter.report(EnvironmentStatus.of(env, outcome.commit(), ofEnv, pageUrl));
    }
}
