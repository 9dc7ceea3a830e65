package dev.capstan.agent.render;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartMetadata;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helm.HelmEngine;
import dev.capstan.agent.helm.HelmProcess;
import dev.capstan.agent.helmrepo.ChartSources;
import dev.capstan.agent.kustomize.KustomizeProcess;
import dev.capstan.agent.kustomize.KustomizeRenderer;
import dev.capstan.agent.manifests.ManifestDirectory;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectAssembly;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.RepoTree;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one way a unit becomes its desired state, whatever engine its source needs: Capstan's Pebble charts
 * ({@code chart}), Helm charts ({@code helm}, Helm's engine in a child process started on the first Helm render),
 * plain manifest directories ({@code manifests}) and kustomizations ({@code kustomize}: kustomize's engine, a child
 * process per build). The agent's unit sync and the {@code render}, {@code diff}
 * and {@code lint} commands all render through here and never pick an engine themselves; everything after it
 * (drift, rollout, health, rollback, records) consumes the {@link DesiredState}. Pure and thread-safe, as the
 * engines are. Closing it stops Helm's render process and removes its files and kustomize's checkouts.
 */
public final class UnitRenderer implements AutoCloseable {
    /** A unit's render: its chart's metadata (for the release record) and its objects. */
    public record Rendered(ChartMetadata metadata, DesiredState desired) {
    }

    private final ChartRenderer pebble;
    private final Supplier<HelmEngine> helmEngine;
    /** The install whose name every rendered object carries; empty: none (render, lint). */
    private final String install;
    private HelmEngine helm;
    private HelmChartRenderer helmCharts;
    private final Supplier<KustomizeProcess> kustomizeEngine;
    private KustomizeRenderer kustomize;
    private final Supplier<ChartSources> chartSources;
    private ChartSources charts;

    public UnitRenderer() {
        this(new ChartRenderer());
    }

    public UnitRenderer(ChartRenderer pebble) {
        this(pebble, () -> new HelmProcess(HelmProcess.Settings.defaults()));
    }

    public UnitRenderer(ChartRenderer pebble, Supplier<HelmEngine> helmEngine) {
        this(pebble, helmEngine, "");
    }

    private UnitRenderer(ChartRenderer pebble, Supplier<HelmEngine> helmEngine, String install) {
        this(pebble, helmEngine, () -> new KustomizeProcess(KustomizeProcess.Settings.defaults()),
                ChartSources::local, install);
    }

    private UnitRenderer(ChartRenderer pebble, Supplier<HelmEngine> helmEngine,
                         Supplier<KustomizeProcess> kustomizeEngine, Supplier<ChartSources> chartSources,
                         String install) {
        this.pebble = pebble;
        this.helmEngine = helmEngine;
        this.kustomizeEngine = kustomizeEngine;
        this.chartSources = chartSources;
        this.install = install;
    }

    /**
     * As {@link #forInstall(String)}, with kustomize's engine set as given (its binary, limits, remote bases) and
     * charts by reference fetched from {@code charts}.
     */
    public static UnitRenderer forInstall(String install, KustomizeProcess.Settings kustomize,
                                          Supplier<ChartSources> charts) {
        return new UnitRenderer(new ChartRenderer(), () -> new HelmProcess(HelmProcess.Settings.defaults()),
                () -> new KustomizeProcess(kustomize), charts, install);
    }

    /** A renderer for the command line, fetching charts named by repository from {@code charts}. */
    public static UnitRenderer local(Supplier<ChartSources> charts) {
        return new UnitRenderer(new ChartRenderer(), () -> new HelmProcess(HelmProcess.Settings.defaults()),
                () -> new KustomizeProcess(KustomizeProcess.Settings.defaults()), charts, "");
    }

    /** A renderer for the agent of install {@code install} (or a diff against it): its name on every object. */
    public static UnitRenderer forInstall(String install) {
        return new UnitRenderer(new ChartRenderer(), () -> new HelmProcess(HelmProcess.Settings.defaults()), install);
    }

    /** Reads the unit's source from {@code tree} and renders it with the engine its kind needs. */
    public Rendered render(RepoTree tree, Unit unit, String commit, int revision, Capabilities capabilities) {
        Rendered rendered = switch (unit.kind()) {
            case CHART, HELM -> render(Planner.chartFiles(tree, unit.chart()), unit.env(), commit, revision,
                    capabilities);
            case MANIFESTS -> new Rendered(new ChartMetadata(unit.chart(), "", "", ""), ManifestDirectory.render(
                    unit.chart(), Planner.appFiles(tree, unit.chart()), unit.env().name(), unit.env().namespace(),
                    commit));
            case KUSTOMIZE -> new Rendered(new ChartMetadata(unit.chart(), "", "", ""), kustomize().render(tree,
                    unit.chart(), unit.sourceDir(), unit.env().name(), unit.env().namespace(), commit));
        };
        return install.isEmpty() ? rendered : new Rendered(rendered.metadata(), ObjectAssembly.withLabel(
                rendered.desired(), Labels.INSTALL, install));
    }

    /**
     * The paths in the repository whose content decides the unit's render: its directory; for a kustomization, what
     * its last build read, listed or probed (the whole repository, "", until it was built once).
     */
    public List<String> contentPaths(Unit unit) {
        if (unit.kind() != Unit.Kind.KUSTOMIZE) {
            return List.of(unit.sourceDir());
        }
        KustomizeRenderer built;
        synchronized (this) {
            built = kustomize;
        }
        return built == null ? List.of("") : built.touched(unit.id()).orElse(List.of(""));
    }

    /** Renders already-read chart files for {@code env}, with Helm's engine if {@code Chart.yaml} says Helm. */
    public Rendered render(ChartFiles files, Environment env, String commit, int revision,
                           Capabilities capabilities) {
        if (isHelm(files)) {
            ChartSources.HelmSource source = charts().resolve(files, files.chartName() + "/" + env.name());
            return new Rendered(HelmChartRenderer.readMetadata(source.chart()), helm().render(source.chart(),
                    source.releaseValues(), env.name(), env.namespace(), commit, capabilities));
        }
        ChartMetadata metadata = ChartRenderer.readMetadata(files);
        DesiredState desired = pebble.render(new RenderRequest(files, env.name(), env.namespace(), commit, revision,
                capabilities));
        return new Rendered(metadata, desired);
    }

    /** Helm's own lint of a Helm chart with one environment's values (none: the defaults); empty for others. */
    public List<String> helmLint(ChartFiles files, Capabilities capabilities, java.util.Optional<String> env) {
        if (!isHelm(files)) {
            return List.of();
        }
        ChartSources.HelmSource source = charts().resolve(files, files.chartName() + env.map(e -> "/" + e)
                .orElse(""));
        return helm().lint(source.chart(), source.releaseValues(), capabilities, env);
    }

    /** A Helm chart: {@code Chart.yaml} says Helm, or {@value ChartSources#REFERENCE_FILE} names one by reference. */
    public static boolean isHelm(ChartFiles files) {
        return ChartSources.isReference(files)
                || files.text("Chart.yaml").map(HelmChartRenderer::isHelmChart).orElse(false);
    }

    private synchronized ChartSources charts() {
        if (charts == null) {
            charts = chartSources.get();
        }
        return charts;
    }

    private synchronized KustomizeRenderer kustomize() {
        if (kustomize == null) {
            kustomize = new KustomizeRenderer(kustomizeEngine.get());
        }
        return kustomize;
    }

    private synchronized HelmChartRenderer helm() {
        if (helm == null) {
            helm = helmEngine.get();
            helmCharts = new HelmChartRenderer(helm);
        }
        return helmCharts;
    }

    @Override
    public synchronized void close() {
        if (helm != null) {
            helm.close();
            helm = null;
        }
        if (kustomize != null) {
            kustomize.close();
            kustomize = null;
        }
    }
}
