package dev.capstan.agent.sync;

import dev.capstan.agent.config.CommitStatusConfig;
import dev.capstan.agent.observe.CommitStatus;
import dev.capstan.agent.observe.CommitStatusReporter;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Tells the git host where each environment stands with a commit whenever one of its units moves: listens to
 * {@link UnitStates}, works out the environment's status ({@link EnvironmentStatus}) and hands it to the reporter,
 * which posts it on its own thread. With shards, an environment's units are on several replicas: each replica judges
 * the environment by all of them — its own, and the others' as their holders publish them (a few seconds behind) —
 * and judges again when the others' move, so no replica reports {@code success} while another's chart still rolls
 * out, and the last word on the host is every replica's.
 */
public final class CommitStatusFeed {
    private final UnitStates units;
    private final OtherShardStates others;
    private final Consumer<CommitStatus> reporter;
    private final String pageUrl;
    /** Where it runs the environments' judgements: never on the thread that recorded the outcome. */
    private final java.util.concurrent.Executor judge;
    /** The (environment, commit) pairs to judge: a commit that carries 5,000 units to it judges each pair once. */
    private final Set<List<String>> due = new LinkedHashSet<>();
    private boolean judging;

    CommitStatusFeed(UnitStates units, OtherShardStates others, Consumer<CommitStatus> reporter, String pageUrl,
                     java.util.concurrent.Executor judge) {
        this.judge = judge;
        this.units = units;
        this.others = others;
        this.reporter = reporter;
        this.pageUrl = pageUrl;
    }

    /** Starts reporting the units of {@code board} to {@code reporter}. */
    public static void start(StatusBoard board, CommitStatusReporter reporter, CommitStatusConfig config) {
        CommitStatusFeed feed = new CommitStatusFeed(board.unitStates(), board.otherShards(), reporter::report,
                config.pageUrl().map(u -> u.toString().replaceAll("/+$", "") + "/").orElse(""),
                java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual()
                        .name("capstan-commit-status").factory()));
        feed.listen();
    }

    void listen() {
        units.onRecord(this::moved);
        others.onReplace(this::othersMoved);
    }

    void moved(UnitOutcome outcome) {
        if (outcome instanceof UnitOutcome.Removed || outcome.commit().isEmpty()) {
            return;
        }
        judge(List.of(envOf(outcome.unit()), outcome.commit()));
    }

    private void othersMoved(Map<String, UnitOutcome> now) {
        Set<List<String>> environments = new LinkedHashSet<>();
        now.values().stream().filter(u -> !(u instanceof UnitOutcome.Removed) && !u.commit().isEmpty())
                .forEach(u -> environments.add(List.of(envOf(u.unit()), u.commit())));
        environments.forEach(this::judge);
    }

    /**
     * Judges the environment at the commit soon, once however many of its units move meanwhile: judging reads every
     * unit of the environment, so judging it at each unit's move cost 25 million reads for a commit of 5,000 units.
     */
    private void judge(List<String> envAndCommit) {
        synchronized (due) {
            if (!due.add(envAndCommit) || judging) {
                return;
            }
            judging = true;
        }
        try {
            judge.execute(this::judgeDue);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (due) {
                judging = false;
            }
        }
    }

    private void judgeDue() {
        while (true) {
            List<List<String>> now;
            synchronized (due) {
                if (due.isEmpty()) {
                    judging = false;
                    return;
                }
                now = List.copyOf(due);
                due.clear();
            }
            for (List<String> pair : now) {
                try {
                    report(pair.get(0), pair.get(1));
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(CommitStatusFeed.class).warn(
                            "commit status of {} at {} not judged: {}", pair.get(0), pair.get(1), e.toString());
                }
            }
        }
    }

    private void report(String env, String commit) {
        Map<String, UnitOutcome> ofEnv = new HashMap<>();
        others.all().values().stream().filter(u -> envOf(u.unit()).equals(env)).forEach(u -> ofEnv.put(u.unit(), u));
        // This replica's own units are the freshest word on them.
        units.ofEnvironment(env).forEach(u -> ofEnv.put(u.unit(), u));
        reporter.accept(EnvironmentStatus.of(env, commit, ofEnv.values().stream()
                .filter(u -> !(u instanceof UnitOutcome.Removed)).toList(), pageUrl));
    }

    private static String envOf(String unit) {
        return unit.substring(unit.indexOf('/') + 1);
    }
}
