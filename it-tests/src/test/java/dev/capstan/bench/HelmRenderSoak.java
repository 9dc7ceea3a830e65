package dev.capstan.bench;

import com.marcnuri.helm.Helm;
import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.helm.HelmChartRenderer;
import dev.capstan.agent.helm.HelmProcess;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import dev.capstan.testcluster.ClusterBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * 5,000 renders of the field guide's checkout-api Helm chart, measuring resident memory (VmRSS) as they go. Mode
 * {@code capstan}: the agent's way (Helm's engine in Capstan's render process, recycled every 2,000 renders): the
 * agent JVM's RSS and the render process's. Mode {@code in-process}: helm-java loaded into the JVM itself, the peer
 * way. Also the cold start: JVM up to the first Helm render answered, and warm Pebble vs Helm per render. Run both
 * side by side with {@code bin/bench helm-soak}.
 */
public final class HelmRenderSoak {
    private static final int RENDERS = 5_000;
    private static final java.io.PrintStream OUT = System.out;

    private HelmRenderSoak() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "capstan";
        Path root = ClusterBinaries.repoRoot();
        Path charts = root.resolve("agent/src/test/resources/helm-charts");
        ChartFiles chart = chartFiles(charts, "checkout-api");
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        OUT.printf("%-10s before any render: JVM RSS %d MiB%n", mode, rss("self") >> 20);
        if (mode.equals("in-process")) {
            inProcess(charts.resolve("checkout-api"), jvmStart);
        } else {
            capstan(chart, jvmStart);
        }
        if (mode.equals("capstan")) {
            pebbleTwin(root);
        }
    }

    private static void capstan(ChartFiles chart, long jvmStart) {
        try (HelmProcess process = new HelmProcess(HelmProcess.Settings.defaults())) {
            HelmChartRenderer renderer = new HelmChartRenderer(process);
            long first = System.nanoTime();
            renderer.render(chart, "production", "shop", "c1", Capabilities.offlineDefault());
            OUT.printf("capstan    first Helm render (render process start + engine load): %d ms; "
                    + "JVM start to first render answered: %d ms%n", (System.nanoTime() - first) / 1_000_000,
                    System.currentTimeMillis() - jvmStart);
            long start = System.nanoTime();
            for (int i = 1; i <= RENDERS; i++) {
                renderer.render(chart, i % 2 == 0 ? "production" : "staging", "shop", "c" + i,
                        Capabilities.offlineDefault());
                if (i % 1_000 == 0) {
                    long worker = process.pid().map(pid -> rss(Long.toString(pid))).orElse(0L);
                    OUT.printf("capstan    after %5d renders: agent JVM RSS %3d MiB (heap in use after GC "
                            + "%2d MiB), render process RSS %3d MiB, render processes started %d%n", i,
                            rss("self") >> 20, heapAfterGc() >> 20, worker >> 20, process.processesStarted());
                }
            }
            OUT.printf("capstan    %d renders in %d ms: %.2f ms a render (unit render: write out, Helm, "
                    + "parse)%n", RENDERS, (System.nanoTime() - start) / 1_000_000,
                    (System.nanoTime() - start) / 1e6 / RENDERS);
        }
    }

    private static void inProcess(Path chart, long jvmStart) {
        long first = System.nanoTime();
        template(chart, 0);
        OUT.printf("in-process first Helm render (library load): %d ms; JVM start to first render: %d ms%n",
                (System.nanoTime() - first) / 1_000_000, System.currentTimeMillis() - jvmStart);
        long start = System.nanoTime();
        for (int i = 1; i <= RENDERS; i++) {
            template(chart, i);
            if (i % 1_000 == 0) {
                OUT.printf("in-process after %5d renders: JVM RSS %3d MiB (heap in use after GC %2d MiB)%n",
                        i, rss("self") >> 20, heapAfterGc() >> 20);
            }
        }
        OUT.printf("in-process %d renders in %d ms: %.2f ms a render (helm template only)%n", RENDERS,
                (System.nanoTime() - start) / 1_000_000, (System.nanoTime() - start) / 1e6 / RENDERS);
    }

    private static String template(Path chart, int i) {
        return Helm.template(chart.toString()).withName("checkout-api").withNamespace("shop")
                .withKubeVersion("1.20.2").withValuesFile(chart.resolve(i % 2 == 0 ? "values.production.yaml"
                        : "values.staging.yaml")).call();
    }

    /** The same chart in Capstan's Pebble format, warm, for the per-render comparison. */
    private static void pebbleTwin(Path root) {
        ChartFiles twin = Planner.chartFiles(new DirectoryTree(root.resolve("examples")), "checkout-api");
        ChartRenderer pebble = new ChartRenderer();
        RenderRequest request = new RenderRequest(twin, "production", "shop", "c1", 1, Capabilities.offlineDefault());
        long coldStart = System.nanoTime();
        pebble.render(request);
        long cold = System.nanoTime() - coldStart;
        long start = System.nanoTime();
        for (int i = 0; i < RENDERS; i++) {
            pebble.render(request);
        }
        OUT.printf("pebble     the Pebble twin: first render %.1f ms, then %.3f ms a render%n", cold / 1e6,
                (System.nanoTime() - start) / 1e6 / RENDERS);
    }

    static ChartFiles chartFiles(Path charts, String name) {
        return ChartFiles.of(name, new DirectoryTree(charts).files(name));
    }

    private static long heapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long rss(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
