package dev.capstan.bench;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.KubeApiSurface;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helm.HelmProcess;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.testcluster.ClusterBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Warm render time of a Helm unit as the agent renders it (chart written out for Helm's engine in Capstan's render
 * process, hooks and CRDs recovered, output parsed into objects) against helm-java's {@code template} of the same
 * chart, values and Kubernetes version in this JVM (Helm's engine and nothing else), side by side in one run, for the
 * charts of the differential corpus. Also what the render process alone answers for the chart already written out,
 * to say where the rest goes. Run with {@code bin/bench helm-render [rounds]}.
 */
public final class HelmUnitRenderBenchmark {
    private static final String KUBE_VERSION = "1.30.0";
    private static final java.io.PrintStream OUT = System.out;

    private HelmUnitRenderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path root = ClusterBinaries.repoRoot();
        List<Path> charts = new ArrayList<>();
        charts.add(root.resolve("agent/src/test/resources/helm-charts/checkout-api"));
        charts.add(root.resolve("agent/src/test/resources/helm-charts/podinfo"));
        charts.add(root.resolve("agent/src/test/resources/helm-charts/ingress-nginx"));
        try (var corpus = Files.list(root.resolve("it-tests/src/test/resources/helm-corpus"))) {
            corpus.filter(Files::isDirectory).sorted().forEach(charts::add);
        }
        Capabilities capabilities = KubeApiSurface.capabilities(KUBE_VERSION);
        OUT.printf("%d cores; Kubernetes %s; %d warm rounds each, interleaved; medians in ms%n",
                Runtime.getRuntime().availableProcessors(), KUBE_VERSION, rounds);
        OUT.printf("%-16s %8s %14s %12s %8s%n", "chart", "objects", "helm-java", "Capstan unit", "ratio");
        List<Double> ratios = new ArrayList<>();
        try (HelmProcess process = new HelmProcess(HelmProcess.Settings.defaults())) {
            HelmChartRenderer renderer = new HelmChartRenderer(process);
            for (Path chart : charts) {
                String name = chart.getFileName().toString();
                ChartFiles files = ChartFiles.of(name, new DirectoryTree(chart.getParent()).files(name));
                Map<String, double[]> times = new HashMap<>();
                times.put("helm", new double[rounds]);
                times.put("capstan", new double[rounds]);
                int objects = 0;
                for (int i = -rounds / 5; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    template(chart, name, capabilities);
                    long t1 = System.nanoTime();
                    var desired = renderer.render(files, "bench", "bench", "c1", capabilities);
                    long t2 = System.nanoTime();
                    objects = desired.objects().size() + desired.hooks().size();
                    if (i >= 0) {
                        times.get("helm")[i] = (t1 - t0) / 1e6;
                        times.get("capstan")[i] = (t2 - t1) / 1e6;
                    }
                }
                double helm = median(times.get("helm"));
                double capstan = median(times.get("capstan"));
                ratios.add(capstan / helm);
                OUT.printf("%-16s %8d %14.2f %12.2f %7.2fx%n", name, objects, helm, capstan, capstan / helm);
            }
        }
        OUT.printf("ratio Capstan unit / helm-java template: median %.2fx, max %.2fx%n",
                median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }

    private static String template(Path chart, String release, Capabilities capabilities) {
        TemplateCommand template = new Helm(chart).template().withName(release).withNamespace("bench")
                .withKubeVersion(capabilities.kubeVersion());
        return template.call();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

}
