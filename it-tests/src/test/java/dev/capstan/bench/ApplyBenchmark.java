package dev.capstan.bench;

import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.LiveState;
import dev.capstan.agent.cluster.Namespaces;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scripted measurement (run: {@code bin/bench apply}): 1,000 objects (ConfigMaps, Services, Secrets) server-side
 * applied by Capstan (a dry run of the whole set, then the apply, kind by kind, 8 at a time) and by
 * {@code kubectl apply --server-side} on the same files, side by side in one run against one control plane, each
 * into fresh namespaces (create) and then again unchanged (no-op). Three rounds; medians reported.
 */
public final class ApplyBenchmark {
    private static final int OBJECTS = 1000;
    private static final int ROUNDS = 3;

    private ApplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("capstan-apply-bench-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(ClusterBinaries.repoRoot()),
                work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                LiveState owners = new LiveState(client)) {
            // As in the agent: owners are checked against the informers' caches.
            ServerSideApplier applier = new ServerSideApplier(client, owners);
            Map<String, List<Double>> seconds = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                String capstanNs = "apply-capstan-" + round;
                String kubectlNs = "apply-kubectl-" + round;
                Namespaces.ensure(client, capstanNs);
                Namespaces.ensure(client, kubectlNs);
                List<RenderedObject> objects = objects(capstanNs);
                Path files = Files.createDirectories(work.resolve("kubectl-" + round));
                Files.writeString(files.resolve("objects.yaml"), new DesiredState("bench", "bench", "c1",
                        objects(kubectlNs), "d").manifest());
                for (String pass : List.of("create", "no-op")) {
                    seconds.computeIfAbsent("capstan " + pass, k -> new ArrayList<>()).add(time(() -> {
                        if (!(applier.validateAndApply(objects) instanceof ApplyResult.Applied)) {
                            throw new IllegalStateException("capstan apply was rejected");
                        }
                    }));
                    seconds.computeIfAbsent("kubectl " + pass, k -> new ArrayList<>()).add(time(() ->
                            KubectlApply.serverSide(cluster, files)));
                }
            }
            out.printf("apply %d objects (ConfigMap, Service, Secret), median of %d rounds:%n", OBJECTS, ROUNDS);
            for (String pass : List.of("create", "no-op")) {
                double capstan = median(seconds.get("capstan " + pass));
                double kubectl = median(seconds.get("kubectl " + pass));
                out.printf("  %-7s Capstan (dry run + apply) %.2f s, kubectl apply --server-side %.2f s: %.1fx%n",
                        pass, capstan, kubectl, kubectl / capstan);
            }
        }
    }

    private static List<RenderedObject> objects(String namespace) {
        List<RenderedObject> objects = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            String name = "obj-" + i;
            Map<String, Object> labels = Map.of(Labels.MANAGED_BY, Labels.MANAGER,
                    Labels.CHART, "bench", Labels.ENV, "bench");
            Map<String, Object> metadata = Map.of("name", name, "namespace", namespace, "labels", labels);
            Map<String, Object> content = switch (i % 3) {
                case 0 -> Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", metadata,
                        "data", Map.of("key", "value-" + i, "other", "x".repeat(200)));
                case 1 -> Map.of("apiVersion", "v1", "kind", "Service", "metadata", metadata,
                        "spec", Map.of("selector", Map.of("app", name),
                                "ports", List.of(Map.of("name", "http", "port", 80, "protocol", "TCP"))));
                default -> Map.of("apiVersion", "v1", "kind", "Secret", "metadata", metadata,
                        "stringData", Map.of("token", "t-" + i));
            };
            objects.add(new RenderedObject(new ObjectKey("v1", (String) content.get("kind"), namespace, name),
                    "bench.yaml", content));
        }
        objects.sort((a, b) -> dev.capstan.agent.model.KindOrder.INSTALL.compare(a.key(), b.key()));
        return objects;
    }

    private static double time(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
