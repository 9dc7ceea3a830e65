package dev.capstan.bench;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.LiveState;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scripted end-to-end measurement (run: {@code bin/bench drift}): 2,000 objects in 100 units (8 ConfigMaps, 4
 * Services, 4 Secrets, 4 ServiceAccounts each) applied to the local control plane; then a full drift computation
 * of all units by Capstan (cold: every object dry-run; warm: nothing changed since), side by side with
 * {@code kubectl diff --server-side} on the same rendered files, and the agent's heap after GC.
 */
public final class DriftBenchmark {
    private static final int UNITS = 100;
    private static final int WARM_RUNS = 5;
    private static final String NAMESPACE = "drift-bench";

    private DriftBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("capstan-drift-bench-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(ClusterBinaries.repoRoot()),
                work.resolve("cluster"));
                KubernetesClient client = cluster.newClient()) {
            ChartRenderer renderer = new ChartRenderer();
            List<DesiredState> units = new ArrayList<>();
            Path rendered = Files.createDirectories(work.resolve("rendered"));
            for (int i = 0; i < UNITS; i++) {
                DesiredState state = renderer.render(new RenderRequest(chart("svc-" + i), "bench", NAMESPACE,
                        "c1", 1, Capabilities.offlineDefault()));
                units.add(state);
                Files.writeString(rendered.resolve(state.chart() + ".yaml"), state.manifest());
            }
            int objects = units.stream().mapToInt(u -> u.objects().size()).sum();
            LiveState owners = new LiveState(client);
            // As in the agent: owners are checked against the informers' caches.
            ServerSideApplier applier = new ServerSideApplier(client, owners);
            long applyStart = System.nanoTime();
            for (DesiredState unit : units) {
                if (!(applier.validateAndApply(unit.objects()) instanceof ApplyResult.Applied)) {
                    throw new IllegalStateException("apply failed for " + unit.chart());
                }
            }
            double applySeconds = (System.nanoTime() - applyStart) / 1e9;
            owners.close();

            try (LiveState live = new LiveState(client)) {
                DriftChecker checker = new DriftChecker(client, live, new SecretMask(), Clock.systemUTC());
                long coldStart = System.nanoTime();
                checkAll(checker, units);
                double coldSeconds = (System.nanoTime() - coldStart) / 1e9;
                List<Double> warm = new ArrayList<>();
                for (int run = 0; run < WARM_RUNS; run++) {
                    long start = System.nanoTime();
                    checkAll(checker, units);
                    warm.add((System.nanoTime() - start) / 1e6);
                }
                Collections.sort(warm);
                System.gc();
                long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;

                long kubectlStart = System.nanoTime();
                Process kubectl = new ProcessBuilder(KubectlApply.binary(),
                        "--kubeconfig", cluster.kubeconfig().toString(),
                        "diff", "--server-side", "--force-conflicts", "--field-manager=capstan", "-f",
                        rendered.toString()).redirectErrorStream(true).start();
                byte[] kubectlOutput = kubectl.getInputStream().readAllBytes();
                int kubectlExit = kubectl.waitFor();
                double kubectlSeconds = (System.nanoTime() - kubectlStart) / 1e9;
                if (kubectlExit > 1) {
                    throw new IllegalStateException("kubectl diff failed: "
                            + new String(kubectlOutput, StandardCharsets.UTF_8));
                }
                double warmMedian = warm.get(warm.size() / 2);
                out.printf("objects %d in %d units; applied in %.1f s%n", objects, UNITS, applySeconds);
                out.printf("capstan drift, cold (every object dry-run): %.2f s%n", coldSeconds);
                out.printf("capstan drift, warm (median of %d, nothing changed): %.1f ms (min %.1f, max %.1f)%n",
                        WARM_RUNS, warmMedian, warm.get(0), warm.get(warm.size() - 1));
                out.printf("kubectl diff --server-side, same objects: %.2f s (exit %d)%n", kubectlSeconds,
                        kubectlExit);
                out.printf("ratio kubectl / capstan: %.0fx warm, %.1fx cold%n", kubectlSeconds * 1000 / warmMedian,
                        kubectlSeconds / coldSeconds);
                out.printf("agent heap after GC with %d objects cached: %d MiB%n", objects, heapMb);
            }
        }
    }

    private static void checkAll(DriftChecker checker, List<DesiredState> units) {
        for (DesiredState unit : units) {
            UnitDrift drift = checker.check(unit.chart() + "/bench", "c1", unit);
            if (drift.state() != UnitDrift.State.InSync) {
                throw new IllegalStateException(unit.chart() + " is " + drift.state() + " " + drift.reason()
                        + drift.diff());
            }
        }
    }

    /** A chart with 20 objects: 8 ConfigMaps, 4 Services, 4 Secrets, 4 ServiceAccounts. */
    private static ChartFiles chart(String name) {
        StringBuilder template = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            template.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ").append(name).append("-cm-")
                    .append(i).append("}\ndata: {key: \"value ").append(i)
                    .append("\", other: \"{{ values.tier }}\"}\n");
        }
        for (int i = 0; i < 4; i++) {
            template.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ").append(name).append("-svc-")
                    .append(i).append("}\nspec:\n  selector: {app: ").append(name)
                    .append("}\n  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]\n");
            template.append("---\napiVersion: v1\nkind: Secret\nmetadata: {name: ").append(name).append("-secret-")
                    .append(i).append("}\ntype: Opaque\ndata: {token: dG9rZW4=}\n");
            template.append("---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ").append(name)
                    .append("-sa-").append(i).append("}\n");
        }
        Map<String, byte[]> files = new HashMap<>();
        files.put("Chart.yaml", ("apiVersion: capstan/v1\nname: " + name + "\nversion: 1.0.0\n")
                .getBytes(StandardCharsets.UTF_8));
        files.put("values.yaml", "tier: backend\n".getBytes(StandardCharsets.UTF_8));
        files.put("templates/objects.yaml", template.toString().getBytes(StandardCharsets.UTF_8));
        return ChartFiles.of(name, files);
    }
}
