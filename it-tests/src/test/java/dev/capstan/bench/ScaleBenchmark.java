package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.agent.cluster.Namespaces;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.GitHttpServer;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.LocalGitRepo;
import dev.capstan.testcluster.TetheredProcess;
import dev.capstan.testcluster.WebhookSender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Scripted measurement (run: {@code bin/bench scale [N ...]}, default 1000): N apps of the Flux benchmark's shape (a
 * Deployment scaled to 0, a ServiceAccount, a Service, an Ingress), one Capstan chart each, one commit; then the same
 * N apps as kustomizations (a base and an overlay each, built by kustomize's engine in child processes), whose peak
 * RSS counts the agent and its kustomize processes together (sampled every 200 ms). The agent fetches from Git's own
 * smart-HTTP server on loopback ({@link GitHttpServer}), as from a hosting service. The agent
 * runs as its own process with the install's JVM settings under a 768 MiB container-like budget; reported: time from
 * start to all objects applied and to all units Synced, peak and settled RSS, the agent's requests by verb, and an
 * idle minute (CPU, requests). Baseline in the same run on the same control plane: {@code kubectl apply
 * --server-side} of the same objects, then {@code kubectl wait} for the Deployments. kube-controller-manager runs
 * with raised client limits ({@value #CONTROLLER_QPS} qps) for both sides, so that the tools are measured, not the
 * controller's default 20 qps.
 */
public final class ScaleBenchmark {
    static final String CONTROLLER_QPS = "500";
    private static final Duration IDLE = Duration.ofSeconds(60);
    /** Pushes of one changed app; {@code --pushes=N} for profiling (the published figures use 10). */
    private static int onePushes = 10;
    private static final String WEBHOOK_SECRET = "scale-bench-webhook-secret";
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Duration LIMIT = Duration.ofMinutes(20);
    /**
     * The install's JVM flags (manifests/deployment.yaml) in its memory limit; compact object headers need JDK 25
     * (the image's), so an older JDK runs without them.
     */
    private static final List<String> JVM = Runtime.version().feature() >= 25
            ? List.of("-XX:MaxRAM=768m", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=40", "-XX:MinHeapFreeRatio=10",
                    "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps", "-Xmn8m", "-XX:+UseCompactObjectHeaders",
                    "-XX:TieredStopAtLevel=1")
            : List.of("-XX:MaxRAM=768m", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=40", "-XX:MinHeapFreeRatio=10",
                    "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps", "-Xmn8m", "-XX:TieredStopAtLevel=1");
    /** The install's environment for the JVM (manifests/deployment.yaml). */
    private static final List<String> ENVIRONMENT = List.of("MALLOC_ARENA_MAX=2");

    private ScaleBenchmark() {
    }

    /** How the apps are written in the repository. */
    private enum Source {
        PEBBLE("Capstan charts"), KUSTOMIZE("kustomizations");

        private final String label;

        Source(String label) {
            this.label = label;
        }
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        // Options for exploring (not for the published figures): --jvm=<flag> adds an agent JVM flag,
        // --no-baseline skips kubectl, --jcmd=<command> prints what jcmd says of the agent after the idle minute.
        List<String> options = java.util.Arrays.stream(args).filter(a -> a.startsWith("--")).toList();
        List<String> jvm = new java.util.ArrayList<>(JVM);
        options.stream().filter(o -> o.startsWith("--jvm=")).map(o -> o.substring(6)).forEach(jvm::add);
        boolean baseline = !options.contains("--no-baseline");
        options.stream().filter(o -> o.startsWith("--pushes=")).map(o -> Integer.parseInt(o.substring(9)))
                .findFirst().ifPresent(pushes -> onePushes = pushes);
        // --baseline-max=N: kubectl only up to N apps (it took 1,118 s for 5,000 on an earlier control plane).
        int baselineMax = options.stream().filter(o -> o.startsWith("--baseline-max="))
                .map(o -> Integer.parseInt(o.substring(15))).findFirst().orElse(Integer.MAX_VALUE);
        List<String> environment = new java.util.ArrayList<>(ENVIRONMENT);
        options.stream().filter(o -> o.startsWith("--env=")).map(o -> o.substring(6)).forEach(environment::add);
        List<Integer> parsed = java.util.Arrays.stream(args).filter(a -> !a.startsWith("--"))
                .map(Integer::parseInt).toList();
        List<Integer> sizes = parsed.isEmpty() ? List.of(1000) : parsed;
        Path work = Files.createTempDirectory("capstan-scale-bench-");
        try (LocalCluster cluster = LocalCluster.start(ClusterBinaries.locate(ClusterBinaries.repoRoot()),
                work.resolve("cluster"), List.of("--kube-api-qps", CONTROLLER_QPS, "--kube-api-burst",
                        CONTROLLER_QPS));
                KubernetesClient client = cluster.newClient()) {
            out.printf("%d-core machine, kube-controller-manager --kube-api-qps/--kube-api-burst %s, agent JVM %s%n",
                    Runtime.getRuntime().availableProcessors(), CONTROLLER_QPS, String.join(" ", jvm)
                            + (environment.isEmpty() ? "" : ", env " + String.join(" ", environment)));
            for (int n : sizes) {
                out.printf("N=%d apps (%d objects)%n", n, 4 * n);
                double kubectl = baseline && n <= baselineMax ? kubectl(cluster, client, work, n) : Double.NaN;
                out.printf("  kubectl apply --server-side + kubectl wait: %.1f s%n", kubectl);
                for (Source source : Source.values()) {
                    if (source == Source.KUSTOMIZE && options.contains("--no-kustomize")) {
                        continue;
                    }
                    report(out, source, kubectl, jvm, capstan(cluster, client, work, n, source, jvm, environment,
                            options.stream().filter(o -> o.startsWith("--jcmd=")).map(o -> o.substring(7)).toList(),
                            replicas(n, options)));
                }
            }
        }
    }

    /**
     * How many replicas share N apps: two shards from 10,000 apps (the sharded point), or {@code --shards=K}
     * for every N.
     */
    private static int replicas(int n, List<String> options) {
        return options.stream().filter(o -> o.startsWith("--shards=")).map(o -> Integer.parseInt(o.substring(9)))
                .findFirst().orElse(n >= 10_000 ? 2 : 1);
    }

    private static void report(PrintStream out, Source source, double kubectl, List<String> jvm, Capstan capstan) {
        out.printf("  Capstan, %s%s: all objects applied %.1f s, all units Synced %.1f s (%.2fx kubectl)%n",
                source.label, capstan.replicas == 1 ? "" : ", " + capstan.replicas + " replicas (one shard each)",
                capstan.applied, capstan.synced, capstan.synced / kubectl);
        out.printf("    RSS%s: peak %d MiB, settled %d MiB (JVM %s); with child processes (kustomize) peak %d MiB%n",
                capstan.replicas == 1 ? "" : " of the larger replica", capstan.peakRssMib, capstan.settledRssMib,
                String.join(" ", jvm), capstan.peakWithChildrenMib);
        out.printf("    requests to the API server until Synced: %s%n", capstan.syncRequests);
        out.printf("    idle %d s (poll every 30 s): CPU %.2f s (%.1f%% of a core), requests %s%n",
                IDLE.toSeconds(), capstan.idleCpuSeconds, 100 * capstan.idleCpuSeconds / IDLE.toSeconds(),
                capstan.idleRequests);
        List<Double> sorted = capstan.oneChangedMillis.stream().sorted().toList();
        out.printf("    one app changed, push + webhook -> its Service changed in the cluster (%d pushes): "
                + "p50 %.0f ms, max %.0f ms (%s)%n", sorted.size(), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1), capstan.oneChangedMillis.stream()
                        .map(v -> String.format("%.0f", v)).collect(Collectors.joining(", ")));
        out.printf("    requests to the API server for those %d pushes: %s%n", sorted.size(),
                capstan.oneChangedRequests);
    }

    /** Peak and settled RSS are the larger replica's; the requests and CPU are all replicas' together. */
    private record Capstan(int replicas, double applied, double synced, long peakRssMib, long settledRssMib,
                           long peakWithChildrenMib, Map<String, Long> syncRequests, double idleCpuSeconds,
                           Map<String, Long> idleRequests, List<Double> oneChangedMillis,
                           Map<String, Long> oneChangedRequests) {
    }

    private static double kubectl(LocalCluster cluster, KubernetesClient client, Path work, int n) throws Exception {
        String namespace = "scale-kubectl-" + n;
        Namespaces.ensure(client, namespace);
        Path file = work.resolve("kubectl-" + n + ".yaml");
        Files.writeString(file, IntStream.range(0, n).mapToObj(i -> app("app-" + i, namespace))
                .collect(Collectors.joining("---\n")));
        long start = System.nanoTime();
        KubectlApply.serverSide(cluster, file);
        run(List.of(KubectlApply.binary(), "--kubeconfig", cluster.kubeconfig().toString(), "wait", "-n", namespace,
                "--for=condition=available", "deployment", "--all", "--timeout=1200s"));
        return seconds(start);
    }

    private static Capstan capstan(LocalCluster cluster, KubernetesClient client, Path work, int n, Source source,
                                   List<String> jvm, List<String> environment, List<String> jcmd, int replicas)
            throws Exception {
        String namespace = "scale-" + source.name().toLowerCase(java.util.Locale.ROOT) + "-" + n;
        Namespaces.ensure(client, namespace);
        Path dir = work.resolve(namespace);
        LocalGitRepo repo = LocalGitRepo.fromDirectory(source == Source.PEBBLE
                ? generate(dir.resolve("source"), n, namespace)
                : generateKustomize(dir.resolve("source"), n, namespace), dir.resolve("git"));
        // The agents fetch from a real git server, as from a hosting service: Git's own smart HTTP in its own
        // processes (a file:// URL would run JGit's server inside the agent's JVM and bill the agent for it).
        GitHttpServer gitServer = GitHttpServer.start(dir.resolve("git"));
        List<BenchAgent> configs = new java.util.ArrayList<>();
        for (int shard = 0; shard < replicas; shard++) {
            Path agentDir = Files.createDirectories(dir.resolve(replicas == 1 ? "agent" : "agent-" + shard));
            Path webhookSecret = Files.writeString(agentDir.resolve("webhook-secret"), WEBHOOK_SECRET);
            // Sharded: each replica campaigns for its own shard's Lease at once (docs/high-availability.md).
            String ha = replicas == 1 ? "" : "ha: {enabled: true, identity: bench-%d, shards: %d, shard: %d}\n"
                    .formatted(shard, replicas, shard);
            configs.add(BenchAgent.configure(agentDir, gitServer.url("remote.git"), cluster, "30s",
                    "{namespace: records-" + namespace + "}",
                    "webhooks: {github: {secretFile: \"" + webhookSecret + "\"}}\n" + ha));
        }
        List<SharedIndexInformer<?>> watches = List.of(
                client.apps().deployments().inNamespace(namespace).inform(),
                client.serviceAccounts().inNamespace(namespace).withLabel("capstan.dev/env").inform(),
                client.services().inNamespace(namespace).inform(),
                client.network().v1().ingresses().inNamespace(namespace).inform());
        List<String> agentEnvironment = new java.util.ArrayList<>(environment);
        if (source == Source.KUSTOMIZE) {
            agentEnvironment.add("CAPSTAN_KUSTOMIZE_BIN=" + System.getenv("CAPSTAN_KUSTOMIZE_BIN"));
        }
        List<TetheredProcess> agents = new java.util.ArrayList<>();
        try {
            for (int shard = 0; shard < replicas; shard++) {
                agents.add(configs.get(shard).start(replicas == 1 ? namespace : namespace + "-" + shard, jvm,
                        agentEnvironment));
            }
            Measure.waitFor(() -> agents.stream().allMatch(a -> a.child().isPresent()));
            List<Long> pids = agents.stream().map(a -> a.child().orElseThrow().pid()).toList();
            long start = System.nanoTime();
            double applied = -1;
            long peakWithChildren = 0;
            while (true) {
                peakWithChildren = Math.max(peakWithChildren, pids.stream()
                        .mapToLong(ScaleBenchmark::withChildrenKib).sum());
                if (applied < 0 && watches.stream().mapToInt(w -> w.getStore().list().size()).sum() >= 4 * n) {
                    applied = seconds(start);
                }
                if (applied >= 0 && configs.stream().mapToInt(ScaleBenchmark::synced).sum() >= n) {
                    break;
                }
                if (System.nanoTime() - start > LIMIT.toNanos()) {
                    throw new IllegalStateException("not all " + n + " units Synced within " + LIMIT);
                }
                if (!pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
                    throw new IllegalStateException("an agent exited (its JVM flags: " + jvm + ")");
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            double synced = seconds(start);
            Map<String, Long> syncRequests = requests(configs);
            LockSupport.parkNanos(SETTLE.toNanos());
            long cpuBefore = 0;
            for (long pid : pids) {
                cpuBefore += cpuTicks(pid);
            }
            Map<String, Long> idleBefore = requests(configs);
            LockSupport.parkNanos(IDLE.toNanos());
            long cpuAfter = 0;
            for (long pid : pids) {
                cpuAfter += cpuTicks(pid);
            }
            double idleCpu = (cpuAfter - cpuBefore) / 100.0;
            Map<String, Long> idle = difference(requests(configs), idleBefore);
            Map<String, Long> changeBefore = requests(configs);
            List<Double> oneChanged = oneAppChanged(repo, configs, watches.get(2), namespace, n, source);
            Map<String, Long> changeRequests = difference(requests(configs), changeBefore);
            for (String command : jcmd) {
                Path tool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
                System.out.println(new String(new ProcessBuilder(List.of(tool.toString(), Long.toString(pids.get(0)),
                        command)).redirectErrorStream(true).start().getInputStream().readAllBytes()));
            }
            long peak = 0;
            long settled = 0;
            for (long pid : pids) {
                peak = Math.max(peak, procStatus(pid, "VmHWM") / 1024);
                settled = Math.max(settled, procStatus(pid, "VmRSS") / 1024);
            }
            return new Capstan(replicas, applied, synced, peak, settled, Math.max(peak, peakWithChildren / 1024),
                    syncRequests, idleCpu, idle, oneChanged, changeRequests);
        } finally {
            agents.forEach(TetheredProcess::close);
            watches.forEach(SharedIndexInformer::close);
            gitServer.close();
        }
    }

    /** What each verb counted between two readings; verbs that did not move are left out. */
    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> moved = new TreeMap<>();
        after.forEach((verb, count) -> moved.put(verb, count - before.getOrDefault(verb, 0L)));
        moved.values().removeIf(v -> v == 0);
        return moved;
    }

    /**
     * Changes one app's port, pushes and sends GitHub's push webhook; the time from the webhook sent to the app's
     * Service carrying the new port (seen by the benchmark's own watch), 10 times (or {@code --pushes=N}).
     */
    private static List<Double> oneAppChanged(LocalGitRepo repo, List<BenchAgent> agents,
                                              SharedIndexInformer<?> services, String namespace, int n,
                                              Source source) {
        List<WebhookSender> github = agents.stream().map(a -> new WebhookSender(a.baseUrl(), WEBHOOK_SECRET))
                .toList();
        List<Double> millis = new java.util.ArrayList<>();
        for (int i = 0; i < onePushes; i++) {
            String app = "app-" + (i * 7 % n);
            int port = 9000 + i;
            if (source == Source.PEBBLE) {
                repo.write("charts/" + app + "/values.yaml", "replicas: 0\nport: " + port + "\n");
            } else {
                repo.write("apps/" + app + "/overlays/bench/kustomization.yaml", overlay(port));
            }
            String commit = repo.commitAndPush("bench: " + app + " on port " + port);
            long sent = System.nanoTime();
            for (WebhookSender sender : github) {
                if (sender.push("refs/heads/main", commit) / 100 != 2) {
                    throw new IllegalStateException("the agent refused the webhook");
                }
            }
            long deadline = sent + Duration.ofMinutes(2).toNanos();
            while (!(services.getStore().getByKey(namespace + "/" + app)
                    instanceof io.fabric8.kubernetes.api.model.Service service && service.getSpec().getPorts().stream()
                    .anyMatch(p -> p.getTargetPort() != null && Integer.valueOf(port)
                            .equals(p.getTargetPort().getIntVal())))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(app + " not changed in the cluster 2 minutes after the webhook");
                }
                LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
            }
            millis.add((System.nanoTime() - sent) / 1e6);
        }
        return millis;
    }

    /** Units the agent reports Synced, its own only (not another shard's); 0 while it does not answer yet. */
    private static int synced(BenchAgent agent) {
        JsonNode status = agent.json("/api/status");
        int count = 0;
        for (JsonNode unit : status == null ? List.<JsonNode>of() : status.path("units")) {
            if ("Synced".equals(unit.path("state").asText()) && !unit.has("holder")) {
                count++;
            }
        }
        return count;
    }

    /** The replicas' requests to the API server, by verb, summed. */
    private static Map<String, Long> requests(List<BenchAgent> agents) {
        Map<String, Long> byVerb = new TreeMap<>();
        agents.forEach(agent -> requests(agent).forEach((verb, count) -> byVerb.merge(verb, count, Long::sum)));
        return byVerb;
    }

    /** The agent's own count of its requests to the API server, by verb ({@code capstan_kube_requests_total}). */
    private static Map<String, Long> requests(BenchAgent agent) {
        String metrics = agent.text("/metrics");
        Map<String, Long> byVerb = new TreeMap<>();
        java.util.regex.Pattern sample = java.util.regex.Pattern.compile(
                "^capstan_kube_requests_total\\{.*verb=\"([A-Z]+)\".*} ([0-9.eE+]+)$");
        for (String line : metrics.split("\n")) {
            java.util.regex.Matcher m = sample.matcher(line);
            if (m.matches() && Double.parseDouble(m.group(2)) > 0) {
                byVerb.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
            }
        }
        return byVerb;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * VmRSS of {@code pid} and every program it started, in KiB (a child gone while read counts 0). A child still
     * named as the agent has not exec'd yet: it shares the agent's memory (posix_spawn), so it is not counted twice.
     */
    private static long withChildrenKib(long pid) {
        long total = 0;
        try {
            total = procStatus(pid, "VmRSS");
            String agent = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
            for (long child : ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .map(ProcessHandle::pid).toList()) {
                try {
                    if (!Files.readString(Path.of("/proc/" + child + "/comm")).strip().equals(agent)) {
                        total += procStatus(child, "VmRSS");
                    }
                } catch (IOException e) {
                    // gone between listing and reading
                }
            }
        } catch (IOException e) {
            // the agent is gone
        }
        return total;
    }

    /** A {@code /proc/<pid>/status} value in KiB. */
    private static long procStatus(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    }

    /** The repo: N charts of one app each, one environment. */
    private static Path generate(Path root, int n, String namespace) throws IOException {
        List<String> charts = IntStream.range(0, n).mapToObj(i -> "app-" + i).toList();
        Files.createDirectories(root);
        Files.writeString(root.resolve("capstan.yaml"), """
                environments:
                  - name: bench
                    namespace: %s
                    rollout: {strategy: rolling, stepTimeout: 600s}
                charts: [%s]
                """.formatted(namespace, String.join(", ", charts)));
        for (String chart : charts) {
            Path templates = Files.createDirectories(root.resolve("charts/" + chart + "/templates"));
            Files.writeString(root.resolve("charts/" + chart + "/Chart.yaml"),
                    "apiVersion: capstan/v1\nname: " + chart + "\nversion: 1.0.0\nappVersion: \"1\"\n");
            Files.writeString(root.resolve("charts/" + chart + "/values.yaml"), "replicas: 0\nport: 8080\n");
            Files.writeString(templates.resolve("app.yaml"), app("{{ release.name }}", null)
                    .replace("replicas: 0", "replicas: {{ values.replicas }}")
                    .replace("targetPort: 8080", "targetPort: {{ values.port }}"));
        }
        return root;
    }

    /** The repo: N apps as a kustomize base (the app) and an overlay for the one environment each. */
    private static Path generateKustomize(Path root, int n, String namespace) throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("capstan.yaml"), """
                environments:
                  - name: bench
                    namespace: %s
                    rollout: {strategy: rolling, stepTimeout: 600s}
                charts: []
                """.formatted(namespace));
        for (int i = 0; i < n; i++) {
            Path app = Files.createDirectories(root.resolve("apps/app-" + i + "/base"));
            Files.writeString(app.resolve("app.yaml"), app("app-" + i, null));
            Files.writeString(app.resolve("kustomization.yaml"), "resources: [app.yaml]\n");
            Path overlay = Files.createDirectories(root.resolve("apps/app-" + i + "/overlays/bench"));
            Files.writeString(overlay.resolve("kustomization.yaml"), overlay(8080));
        }
        return root;
    }

    /** The overlay: the base, with the Service's target port patched to {@code port}. */
    private static String overlay(int port) {
        return """
                resources: [../../base]
                patches:
                  - target: {kind: Service}
                    patch: |-
                      - {op: replace, path: /spec/ports/0/targetPort, value: %d}
                """.formatted(port);
    }

    /** One app of the Flux benchmark's shape; {@code namespace} null leaves it to the environment. */
    static String app(String name, String namespace) {
        String ns = namespace == null ? "" : "\n  namespace: " + namespace;
        return """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: NAMENS
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: NAMENS
                spec:
                  replicas: 0
                  selector: {matchLabels: {app: NAME}}
                  template:
                    metadata: {labels: {app: NAME}}
                    spec:
                      serviceAccountName: NAME
                      containers:
                        - name: app
                          image: ghcr.io/stefanprodan/podinfo:6.7.0
                          ports: [{containerPort: 8080, protocol: TCP}]
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: NAMENS
                spec:
                  selector: {app: NAME}
                  ports: [{port: 80, targetPort: 8080, protocol: TCP}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: NAMENS
                spec:
                  rules:
                    - host: NAME.example.com
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend: {service: {name: NAME, port: {number: 80}}}
                """.replace("NAMENS", name + ns).replace("NAME", name);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
