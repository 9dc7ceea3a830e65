package dev.capstan.bench;

import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.LiveState;
import dev.capstan.agent.cluster.Namespaces;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.testcluster.ApiRequests;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scripted measurement (run: {@code bin/bench resync}): a 1,000-object unit (ConfigMaps) already applied, then one
 * object changed in git. Capstan sends only what differs (the drift verdicts say which; dry run of the changed set,
 * then its apply); {@code kubectl apply --server-side} sends the unit's file. Then the same unit re-synced unchanged.
 * Time and write requests of each side, side by side in one run against one control plane; writes counted from the
 * API server's own {@code apiserver_request_total} (verb APPLY).
 */
public final class ResyncBenchmark {
    private static final int OBJECTS = 1000;
    private static final int ROUNDS = 3;

    private ResyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("capstan-resync-bench-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(ClusterBinaries.repoRoot()),
                work.resolve("cluster"));
                KubernetesClient client = cluster.newClient();
                LiveState live = new LiveState(client)) {
            ServerSideApplier applier = new ServerSideApplier(client, live);
            DriftChecker drift = new DriftChecker(client, live, new SecretMask(), Clock.systemUTC());
            live.watch("v1", "ConfigMap");
            Namespaces.ensure(client, "resync-capstan");
            Namespaces.ensure(client, "resync-kubectl");
            Path file = work.resolve("unit.yaml");
            List<RenderedObject> unit = objects("resync-capstan", 0);
            require(applier.validateAndApply(unit));
            Files.writeString(file, manifest(objects("resync-kubectl", 0)));
            KubectlApply.serverSide(cluster, file);
            // The agent's drift check after the rollout: it knows every object's verdict from here on.
            awaitInformers(client, live, unit);
            drift.check("bench/bench", "c0", state(unit));
            out.printf("re-sync of a %d-object unit, %d rounds (writes = APPLY requests, dry runs apart):%n",
                    OBJECTS, ROUNDS);
            for (int round = 1; round <= ROUNDS; round++) {
                List<RenderedObject> changed = objects("resync-capstan", round);
                Counted capstan = counted(client, () -> require(applier.validateAndApply(drift.changed(changed))));
                Files.writeString(file, manifest(objects("resync-kubectl", round)));
                Counted kubectl = counted(client, () -> KubectlApply.serverSide(cluster, file));
                out.printf("  one object changed: Capstan %.3f s, %d write(s), %d dry run(s); kubectl %.3f s, %d "
                        + "write(s): %.0fx faster%n", capstan.seconds, capstan.writes, capstan.dryRuns,
                        kubectl.seconds, kubectl.writes, kubectl.seconds / capstan.seconds);
                awaitInformers(client, live, changed);
                drift.check("bench/bench", "c" + round, state(changed));
                Counted unchanged = counted(client, () -> require(applier.validateAndApply(drift.changed(changed))));
                Counted kubectlUnchanged = counted(client, () -> KubectlApply.serverSide(cluster, file));
                out.printf("  unchanged:          Capstan %.3f s, %d write(s), %d dry run(s); kubectl %.3f s, %d "
                        + "write(s)%n", unchanged.seconds, unchanged.writes, unchanged.dryRuns,
                        kubectlUnchanged.seconds, kubectlUnchanged.writes);
            }
        }
    }

    private record Counted(double seconds, long writes, long dryRuns) {
    }

    private static Counted counted(KubernetesClient client, Runnable action) {
        long writes = ApiRequests.count(client, "APPLY", "configmaps", false);
        long dryRuns = ApiRequests.count(client, "APPLY", "configmaps", true);
        long start = System.nanoTime();
        action.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Counted(seconds, ApiRequests.count(client, "APPLY", "configmaps", false) - writes,
                ApiRequests.count(client, "APPLY", "configmaps", true) - dryRuns);
    }

    /** Object 0 carries the round number: each round changes exactly one object. */
    private static List<RenderedObject> objects(String namespace, int round) {
        List<RenderedObject> objects = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            String name = "cm-" + i;
            Map<String, Object> metadata = new LinkedHashMap<>(Map.of("name", name, "namespace", namespace,
                    "labels", Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.CHART, "bench", Labels.ENV,
                            "bench")));
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("apiVersion", "v1");
            content.put("kind", "ConfigMap");
            content.put("metadata", metadata);
            content.put("data", Map.of("value", i == 0 ? "round-" + round : "v" + i, "other", "x".repeat(200)));
            objects.add(new RenderedObject(new ObjectKey("v1", "ConfigMap", namespace, name), "unit.yaml", content));
        }
        return objects;
    }

    private static DesiredState state(List<RenderedObject> objects) {
        return new DesiredState("bench", "bench", "c", objects, "d");
    }

    private static String manifest(List<RenderedObject> objects) {
        return state(objects).manifest();
    }

    /**
     * Until the informers hold every object, and the changed one (object 0) at the version the server has now. (They
     * keep no ConfigMap data: what the agent never reads is not cached.)
     */
    private static void awaitInformers(KubernetesClient client, LiveState live, List<RenderedObject> objects) {
        ObjectKey changed = objects.get(0).key();
        String version = client.configMaps().inNamespace(changed.namespace()).withName(changed.name()).get()
                .getMetadata().getResourceVersion();
        Measure.waitFor(() -> objects.stream().allMatch(o -> live.get(o.key()).isPresent())
                && live.get(changed).map(l -> version.equals(l.getMetadata().getResourceVersion())).orElse(false));
    }

    private static void require(ApplyResult result) {
        if (!(result instanceof ApplyResult.Applied)) {
            throw new IllegalStateException("apply rejected: " + result);
        }
    }

}
