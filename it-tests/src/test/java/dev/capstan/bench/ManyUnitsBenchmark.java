package dev.capstan.bench;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.testcluster.ClusterBinaries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * 500 units from one commit, single thread: 250 distinct charts (copies of checkout-api under other names, so each
 * is compiled anew) x 2 environments, by a fresh renderer, as after an agent restart. Run with
 * {@code bin/bench ManyUnitsBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class ManyUnitsBenchmark {
    private static final int CHARTS = 250;
    private final List<ChartFiles> charts = new ArrayList<>();

    @Setup
    public void setUp() {
        ChartFiles template = Planner.chartFiles(new DirectoryTree(ClusterBinaries.repoRoot().resolve("examples")),
                "checkout-api");
        for (int i = 0; i < CHARTS; i++) {
            String name = "service-" + i;
            Map<String, byte[]> files = new HashMap<>(template.files());
            files.put("Chart.yaml", new String(files.get("Chart.yaml"), StandardCharsets.UTF_8)
                    .replace("name: checkout-api", "name: " + name).getBytes(StandardCharsets.UTF_8));
            charts.add(ChartFiles.of(name, files));
        }
    }

    @Benchmark
    public int render500Units() {
        ChartRenderer renderer = new ChartRenderer();
        int objects = 0;
        for (ChartFiles chart : charts) {
            for (String env : List.of("staging", "production")) {
                objects += renderer.render(new RenderRequest(chart, env, env, "0123456789abcdef", 1,
                        Capabilities.offlineDefault())).objects().size();
            }
        }
        return objects;
    }
}
