package dev.capstan.bench;

import com.marcnuri.helm.Helm;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.RenderLimits;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helm.HelmProcess;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.testcluster.ClusterBinaries;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One chart x environment (examples/charts/checkout-api, production: 6 objects), rendered and parsed by Capstan,
 * side by side with the same chart written for Helm and rendered by Helm's own engine through helm-java.
 * Run with {@code bin/bench RenderBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RenderBenchmark {
    private ChartFiles chart;
    private RenderRequest request;
    private ChartRenderer warm;
    private ChartRenderer warmWithoutParseCache;
    private Path helmChart;
    private HelmProcess helmProcess;
    private HelmChartRenderer helmUnits;
    private ChartFiles fieldGuideChart;

    @Setup
    public void setUp() {
        Path root = ClusterBinaries.repoRoot();
        chart = Planner.chartFiles(new DirectoryTree(root.resolve("examples")), "checkout-api");
        request = new RenderRequest(chart, "production", "production", "0123456789abcdef", 7,
                Capabilities.offlineDefault());
        warm = new ChartRenderer();
        warm.render(request);
        warmWithoutParseCache = new ChartRenderer(RenderLimits.defaults().withoutParseCache());
        warmWithoutParseCache.render(request);
        helmChart = root.resolve("it-tests/src/test/resources/bench/helm/checkout-api");
        helmProcess = new HelmProcess(HelmProcess.Settings.defaults());
        helmUnits = new HelmChartRenderer(helmProcess);
        fieldGuideChart = HelmRenderSoak.chartFiles(root.resolve("agent/src/test/resources/helm-charts"),
                "checkout-api");
        helmUnits.render(fieldGuideChart, "production", "production", "c1", Capabilities.offlineDefault());
    }

    @TearDown
    public void tearDown() {
        helmProcess.close();
    }

    /**
     * A Helm unit as the agent renders it: the field guide's checkout-api written out, rendered by Helm's engine in
     * Capstan's render process, hooks and crds/ recovered, parsed into the desired state.
     */
    @Benchmark
    public DesiredState capstanHelmUnit() {
        return helmUnits.render(fieldGuideChart, "production", "production", "c1", Capabilities.offlineDefault());
    }

    /**
     * The agent's steady state: templates compiled once per chart content; template outputs already seen are not
     * parsed again (here every output repeats, so this is the best case).
     */
    @Benchmark
    public DesiredState capstanRender() {
        return warm.render(request);
    }

    /** Compiled templates, but every output parsed: the cost when every template's output changed. */
    @Benchmark
    public DesiredState capstanRenderAndParse() {
        return warmWithoutParseCache.render(request);
    }

    /** A chart seen for the first time: compile its templates, render, parse; no cache of any kind. */
    @Benchmark
    public DesiredState capstanCompileRenderAndParse() {
        return new ChartRenderer(RenderLimits.defaults().withoutParseCache()).render(request);
    }

    /** Helm's engine on the equivalent Go-template chart (it reads and parses the chart on every call). */
    @Benchmark
    public String helmTemplate() {
        return Helm.template(helmChart.toString())
                .withName("checkout-api")
                .withNamespace("production")
                .withKubeVersion("1.20.2")
                .withValuesFile(helmChart.resolve("values.production.yaml"))
                .call();
    }
}
