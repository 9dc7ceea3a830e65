package dev.capstan.agent.config;

import java.time.Duration;
import java.util.List;

/**
 * One environment of {@code capstan.yaml}, in promotion order.
 *
 * @param cluster kubeconfig context name, or {@code in-cluster}; {@code default} means the agent's own cluster
 */
public record Environment(String name, String namespace, String cluster, Rollout rollout, List<Check> checks,
                          java.util.Optional<RepoConfig.RemovedUnits> removedUnits, DriftMode drift) {

    public Environment {
        checks = List.copyOf(checks);
        drift = drift == null ? DriftMode.HEAL : drift;
    }

    public Environment(String name, String namespace, String cluster, Rollout rollout, List<Check> checks,
                       java.util.Optional<RepoConfig.RemovedUnits> removedUnits) {
        this(name, namespace, cluster, rollout, checks, removedUnits, DriftMode.HEAL);
    }

    public Environment(String name, String namespace, String cluster, Rollout rollout, List<Check> checks) {
        this(name, namespace, cluster, rollout, checks, java.util.Optional.empty());
    }

    /**
     * What the agent does when the live objects of a unit in this environment differ from its deployed release:
     * {@code heal} re-applies the drifted objects (the default, as Flux); {@code report} only says so.
     */
    public enum DriftMode {
        HEAL, REPORT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Environment(String name, String namespace, String cluster, Rollout rollout) {
        this(name, namespace, cluster, rollout, List.of());
    }

    /**
     * How a change reaches the environment: {@code steps} are canary percentages ending with 100 (the full apply);
     * each step's health gate waits at most {@code stepTimeout}; {@code blueGreen} says how the blue-green strategy
     * switches (ignored by the others).
     */
    public record Rollout(Strategy strategy, List<Integer> steps, Duration stepTimeout, BlueGreen blueGreen) {
        /** The longest a step's gate, or a hook, may wait: capstan.yaml comes from git, a wait without end must not. */
        public static final Duration MAX_STEP_TIMEOUT = Duration.ofHours(1);

        public Rollout {
            steps = List.copyOf(steps);
            blueGreen = blueGreen == null ? BlueGreen.DEFAULT : blueGreen;
        }

        public Rollout(Strategy strategy, List<Integer> steps, Duration stepTimeout) {
            this(strategy, steps, stepTimeout, BlueGreen.DEFAULT);
        }

        public static Rollout rollingDefault() {
            return new Rollout(Strategy.ROLLING, List.of(100), Duration.ofMinutes(5));
        }
    }

    /**
     * The blue-green strategy's settings: how long the old version keeps running after the Services switched to the
     * new one (gated all along, for a rollback in one call per Service), and whether each switched Service gets a
     * {@code <name>-preview} twin selecting only the new version while it is tried.
     */
    public record BlueGreen(Duration scaleDownDelay, boolean previewService) {
        public static final BlueGreen DEFAULT = new BlueGreen(Duration.ofSeconds(30), false);
    }

    public enum Strategy { ROLLING, CANARY, BLUE_GREEN }
}
