package dev.capstan.bench;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helm.HelmProcess;
import dev.capstan.agent.helm.NullApiServer;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.KubeApiSurface;
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
 * chart and Kubernetes version (Helm's engine and nothing else, in a JVM of its own run first), in one run, for the
 * charts of the differential corpus; and how much of Capstan's time is reading the output back as YAML, to say where
 * the rest goes. Run with {@code bin/bench helm-render [rounds]}.
 */
public final class HelmUnitRenderBenchmark {
    private static final String KUBE_VERSION = "1.30.0";
    private static final java.io.PrintStream OUT = System.out;
    /** Rounds over every chart before any is measured: both sides compiled by the JIT, caches warm. */
    private static final int WARM_UP = 20;

    private HelmUnitRenderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("baseline")) {
            baseline(Integer.parseInt(args[1]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Map<String, Double> helmJava = baselineInChildJvm(rounds);
        Capabilities capabilities = KubeApiSurface.capabilities(KUBE_VERSION);
        OUT.printf("%d cores; Kubernetes %s; %d rounds each after %d over all charts; medians in ms%n",
                Runtime.getRuntime().availableProcessors(), KUBE_VERSION, rounds, WARM_UP);
        OUT.printf("%-16s %8s %10s %14s %8s %18s%n", "chart", "objects", "helm-java", "Capstan unit", "ratio",
                "of which parsing");
        List<Double> ratios = new ArrayList<>();
        double[] total = new double[2];
        try (HelmProcess process = new HelmProcess(HelmProcess.Settings.defaults())) {
            HelmChartRenderer renderer = new HelmChartRenderer(process);
            for (int i = 0; i < WARM_UP; i++) {
                for (Path chart : charts()) {
                    String name = chart.getFileName().toString();
                    renderer.render(ChartFiles.of(name, new DirectoryTree(chart.getParent()).files(name)), "bench",
                            "bench", "c1", capabilities);
                }
            }
            for (Path chart : charts()) {
                String name = chart.getFileName().toString();
                ChartFiles files = ChartFiles.of(name, new DirectoryTree(chart.getParent()).files(name));
                double[] times = new double[rounds];
                int objects = 0;
                for (int i = -rounds / 5; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    var desired = renderer.render(files, "bench", "bench", "c1", capabilities);
                    if (i >= 0) {
                        times[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    objects = desired.objects().size() + desired.hooks().size();
                }
                double capstan = median(times);
                double helm = helmJava.get(name);
                double parsing = parseTime(renderer.render(files, "bench", "bench", "c1", capabilities));
                ratios.add(capstan / helm);
                total[0] += helm;
                total[1] += capstan;
                OUT.printf("%-16s %8d %10.2f %14.2f %7.2fx %18.2f%n", name, objects, helm, capstan, capstan / helm,
                        parsing);
            }
        }
        OUT.printf("ratio Capstan unit / helm-java template: median %.2fx, max %.2fx; all charts together %.2fx%n",
                median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0), total[1] / total[0]);
    }

    /** How long reading the unit's manifests back as YAML takes (median of 20): part of the Capstan column. */
    private static double parseTime(dev.capstan.agent.model.DesiredState desired) {
        String manifest = desired.manifestWithHooks();
        double[] times = new double[20];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            dev.capstan.agent.model.Yaml.readDocuments(manifest, "bench", "bench");
            times[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(times);
    }

    private static List<Path> charts() throws java.io.IOException {
        Path root = ClusterBinaries.repoRoot();
        List<Path> charts = new ArrayList<>();
        charts.add(root.resolve("agent/src/test/resources/helm-charts/checkout-api"));
        charts.add(root.resolve("agent/src/test/resources/helm-charts/podinfo"));
        charts.add(root.resolve("agent/src/test/resources/helm-charts/ingress-nginx"));
        try (var corpus = Files.list(root.resolve("it-tests/src/test/resources/helm-corpus"))) {
            corpus.filter(Files::isDirectory).sorted().forEach(charts::add);
        }
        return charts;
    }

    /**
     * The peer: helm-java's {@code template} in a JVM of its own (Helm's Go runtime would otherwise run beside the
     * measured side), with {@code lookup} answered by the same empty API server Capstan's render process uses.
     */
    private static Map<String, Double> baselineInChildJvm(int rounds) throws Exception {
        Path kubeconfig = Files.createTempFile("helm-java", ".kubeconfig");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dcom.marcnuri.jkube-helm.skipRemoteJar=true",
                "-Dcapstan.repoRoot=" + ClusterBinaries.repoRoot(), "-cp", System.getProperty("java.class.path"),
                HelmUnitRenderBenchmark.class.getName(), "baseline", Integer.toString(rounds));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        Process child = builder.start();
        Map<String, Double> medians = new HashMap<>();
        for (String line : new String(child.getInputStream().readAllBytes()).split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2) {
                medians.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        if (child.waitFor() != 0) {
            throw new IllegalStateException("the helm-java baseline failed");
        }
        Files.delete(kubeconfig);
        return medians;
    }

    private static void baseline(int rounds) throws Exception {
        Capabilities capabilities = KubeApiSurface.capabilities(KUBE_VERSION);
        try (NullApiServer nullServer = NullApiServer.start()) {
            Files.writeString(Path.of(System.getenv("KUBECONFIG")), nullServer.kubeconfig());
            for (int i = 0; i < WARM_UP; i++) {
                for (Path chart : charts()) {
                    template(chart, chart.getFileName().toString(), capabilities);
                }
            }
            for (Path chart : charts()) {
                String name = chart.getFileName().toString();
                double[] times = new double[rounds];
                for (int i = -rounds / 5; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    template(chart, name, capabilities);
                    if (i >= 0) {
                        times[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                OUT.println(name + " " + median(times));
            }
        }
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
