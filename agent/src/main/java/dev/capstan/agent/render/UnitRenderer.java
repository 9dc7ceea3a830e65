package dev.capstan.agent.render;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartMetadata;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.manifests.ManifestDirectory;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.RepoTree;

/**
 * The one way a unit becomes its desired state, whatever engine its source needs: Capstan's Pebble charts or plain
 * manifest directories today; Helm charts are to come in behind this same door. The agent's unit sync and the
 * {@code render}, {@code diff} and {@code lint} commands all render through here and never pick an engine
 * themselves; everything after it (drift, rollout, health, rollback, records) consumes the {@link DesiredState}.
 * Pure and thread-safe, as the engines are.
 */
public final class UnitRenderer {
    /** A unit's render: its chart's metadata (for the release record) and its objects. */
    public record Rendered(ChartMetadata metadata, DesiredState desired) {
    }

    private final ChartRenderer pebble;

    public UnitRenderer() {
        this(new ChartRenderer());
    }

    public UnitRenderer(ChartRenderer pebble) {
        this.pebble = pebble;
    }

    /** Reads the unit's source from {@code tree} and renders it with the engine its kind needs. */
    public Rendered render(RepoTree tree, Unit unit, String commit, int revision, Capabilities capabilities) {
        return switch (unit.kind()) {
            case CHART -> render(Planner.chartFiles(tree, unit.chart()), unit.env(), commit, revision, capabilities);
            case MANIFESTS -> new Rendered(new ChartMetadata(unit.chart(), "", "", ""), ManifestDirectory.render(
                    unit.chart(), Planner.appFiles(tree, unit.chart()), unit.env().name(), unit.env().namespace(),
                    commit));
        };
    }

    /** Renders already-read chart files for {@code env}. */
    public Rendered render(ChartFiles files, Environment env, String commit, int revision,
                           Capabilities capabilities) {
        ChartMetadata metadata = ChartRenderer.readMetadata(files);
        DesiredState desired = pebble.render(new RenderRequest(files, env.name(), env.namespace(), commit, revision,
                capabilities));
        return new Rendered(metadata, desired);
    }
}
