package dev.capstan.agent.plan;

import dev.capstan.agent.config.Environment;

/**
 * One source in one environment: the thing Capstan renders, diffs, applies and rolls back as a whole. {@code chart}
 * is the source's name (a chart under {@code charts/}, or a manifest directory under {@code apps/}); it names the
 * unit and labels its objects.
 */
public record Unit(String chart, Environment env, Kind kind, String sourceDir, String id) {
    /**
     * {@code id} is {@code chart/env}, worked out once: every cycle looks up thousands of units by it (it was a
     * concatenation per call, a sixth of a 5,000-unit cycle's time after a one-app commit).
     */
    public Unit {
        String expected = chart + "/" + env.name();
        if (id != null && !id.equals(expected)) {
            throw new IllegalArgumentException("unit id " + id + " is not " + expected);
        }
        id = expected;
    }

    public Unit(String chart, Environment env, Kind kind, String sourceDir) {
        this(chart, env, kind, sourceDir, null);
    }

    public Unit(String chart, Environment env) {
        this(chart, env, Kind.CHART);
    }

    /** A unit in its kind's own directory ({@code charts/<chart>}, {@code apps/<chart>}). */
    public Unit(String chart, Environment env, Kind kind) {
        this(chart, env, kind, kind.dir() + "/" + chart);
    }


    /** What renders the unit. */
    public enum Kind {
        /** A Capstan chart: {@code charts/<name>/Chart.yaml} ({@code apiVersion: capstan/v1}), Pebble templates. */
        CHART(Planner.CHARTS_DIR),
        /**
         * A Helm chart: {@code charts/<name>/Chart.yaml} with {@code apiVersion: v1} or {@code v2}, unmodified; or
         * {@code charts/<name>/chart-source.yaml} naming one in a Helm repository or OCI registry.
         */
        HELM(Planner.CHARTS_DIR),
        /** A directory of plain YAML: {@code apps/<name>/*.yaml} for every environment, {@code <env>/} for one. */
        MANIFESTS(Planner.APPS_DIR),
        /**
         * A Kustomize app: {@code apps/<name>/} with a kustomization at its root, in {@code overlays/<env>/} or in
         * {@code <env>/}, built by kustomize itself.
         */
        KUSTOMIZE(Planner.APPS_DIR);

        private final String dir;

        Kind(String dir) {
            this.dir = dir;
        }

        public String dir() {
            return dir;
        }
    }
}
