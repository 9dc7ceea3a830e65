package dev.capstan.testcluster;

import dev.capstan.agent.cluster.KubernetesClients;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real control plane on loopback: etcd, kube-apiserver and kube-controller-manager on free ports, in a temp dir.
 * No kubelet and no scheduler: {@link PodSimulator} binds pods and drives their status. Close it to stop everything.
 */
public final class LocalCluster implements AutoCloseable {
    private static final String ADMIN_USER = "capstan-admin";

    private final Path workDir;
    private final String token;
    private final int apiPort;
    private final List<TetheredProcess> processes;
    private final Path kubeconfig;

    private final List<String> apiServerCommand;

    private LocalCluster(Path workDir, String token, int apiPort, List<TetheredProcess> processes, Path kubeconfig,
                         List<String> apiServerCommand) {
        this.apiServerCommand = apiServerCommand;
        this.workDir = workDir;
        this.token = token;
        this.apiPort = apiPort;
        this.processes = processes;
        this.kubeconfig = kubeconfig;
    }

    /** Starts the three processes and returns once the API server answers and the token controller works. */
    public static LocalCluster start(Path binDir, Path workDir) {
        return start(binDir, workDir, List.of());
    }

    /** As {@link #start(Path, Path)}, with extra flags for kube-controller-manager (a benchmark's client limits). */
    public static LocalCluster start(Path binDir, Path workDir, List<String> controllerManagerFlags) {
        List<TetheredProcess> started = new ArrayList<>();
        try {
            Files.createDirectories(workDir);
            Path etcdData = etcdDataDir(workDir);
            String token = UUID.randomUUID().toString();
            Path certDir = Files.createDirectories(workDir.resolve("certs"));
            Path tokens = workDir.resolve("tokens.csv");
            Files.writeString(tokens, token + "," + ADMIN_USER + ",1,\"system:masters\"\n");
            Path saKey = workDir.resolve("sa.key");
            Path saPub = workDir.resolve("sa.pub");
            writeServiceAccountKeys(saKey, saPub);

            int etcdPort = freePort();
            int etcdPeerPort = freePort();
            int apiPort = freePort();
            String etcdUrl = "http://127.0.0.1:" + etcdPort;
            String peerUrl = "http://127.0.0.1:" + etcdPeerPort;
            started.add(TetheredProcess.start("etcd", workDir, List.of(
                    binDir.resolve("etcd").toString(),
                    "--name", "capstan-test",
                    "--data-dir", etcdData.toString(),
                    "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
                    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", "capstan-test=" + peerUrl,
                    "--log-level", "warn")));

            List<String> apiServer = List.of(
                    binDir.resolve("kube-apiserver").toString(),
                    "--etcd-servers", etcdUrl,
                    "--secure-port", Integer.toString(apiPort),
                    "--bind-address", "127.0.0.1",
                    "--advertise-address", "127.0.0.1",
                    // A loopback address cannot be published as the kubernetes Service's endpoint; nothing needs it.
                    "--endpoint-reconciler-type", "none",
                    "--cert-dir", certDir.toString(),
                    "--token-auth-file", tokens.toString(),
                    "--authorization-mode", "RBAC",
                    "--service-account-key-file", saPub.toString(),
                    "--service-account-signing-key-file", saKey.toString(),
                    "--service-account-issuer", "https://kubernetes.default.svc",
                    "--service-cluster-ip-range", "10.96.0.0/16",
                    "--allow-privileged",
                    "--v", "1");
            started.add(TetheredProcess.start("kube-apiserver", workDir, apiServer));

            Path kubeconfig = workDir.resolve("kubeconfig");
            LocalCluster cluster = new LocalCluster(workDir, token, apiPort, started, kubeconfig, apiServer);
            // The apiserver writes its self-signed serving cert at startup; clients trust exactly that cert.
            awaitCondition(started, Duration.ofSeconds(60), "the API server's serving certificate",
                    () -> Files.exists(certDir.resolve("apiserver.crt")));
            try (KubernetesClient client = cluster.newClient()) {
                awaitCondition(started, Duration.ofSeconds(60), "the API server to serve the default namespace",
                        () -> exists(() -> client.namespaces().withName("default").get() != null));
            }
            Files.writeString(kubeconfig, cluster.kubeconfigYaml());

            List<String> controllerManager = new ArrayList<>(List.of(
                    binDir.resolve("kube-controller-manager").toString(),
                    "--kubeconfig", kubeconfig.toString(),
                    "--controllers", "*,-nodelifecycle",
                    "--service-account-private-key-file", saKey.toString(),
                    "--root-ca-file", certDir.resolve("apiserver.crt").toString(),
                    "--leader-elect=false",
                    "--secure-port", "0",
                    "--concurrent-deployment-syncs", "10",
                    "--concurrent-replicaset-syncs", "10",
                    "--v", "1"));
            controllerManager.addAll(controllerManagerFlags);
            started.add(TetheredProcess.start("kube-controller-manager", workDir, controllerManager));
            try (KubernetesClient client = cluster.newClient()) {
                awaitCondition(started, Duration.ofSeconds(60), "the default ServiceAccount (the controllers run)",
                        () -> exists(() -> {
                            ServiceAccount sa = client.serviceAccounts().inNamespace("default").withName("default")
                                    .get();
                            return sa != null;
                        }));
            }
            return cluster;
        } catch (IOException e) {
            started.forEach(TetheredProcess::close);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            started.forEach(TetheredProcess::close);
            throw e;
        }
    }

    /**
     * Stops kube-apiserver and starts it again on the same port, certificates and etcd (a control-plane upgrade or
     * crash, as its clients see it); returns once it serves again.
     */
    public synchronized void restartApiServer() throws IOException {
        int index = processes.indexOf(processes.stream().filter(p -> p.name().equals("kube-apiserver"))
                .findFirst().orElseThrow());
        processes.get(index).close();
        processes.set(index, TetheredProcess.start("kube-apiserver", workDir, apiServerCommand));
        try (KubernetesClient client = newClient()) {
            awaitCondition(processes, Duration.ofSeconds(60), "the API server to serve again",
                    () -> exists(() -> client.namespaces().withName("default").get() != null));
        }
    }

    /** A new client with cluster-admin rights. The caller closes it. */
    public KubernetesClient newClient() {
        return KubernetesClients.create(clientConfig());
    }

    public Config clientConfig() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(apiUrl())
                .withOauthToken(token)
                .withCaCertFile(workDir.resolve("certs/apiserver.crt").toString())
                .withRequestTimeout(30_000)
                .withConnectionTimeout(10_000)
                .build();
    }

    public String apiUrl() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** A kubeconfig file for this cluster (for the agent, kubectl or a person running the demo). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path workDir() {
        return workDir;
    }

    private String kubeconfigYaml() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: capstan-local
                    cluster:
                      server: %s
                      certificate-authority: %s
                users:
                  - name: %s
                    user:
                      token: %s
                contexts:
                  - name: capstan-local
                    context: {cluster: capstan-local, user: %s}
                current-context: capstan-local
                """.formatted(apiUrl(), workDir.resolve("certs/apiserver.crt"), ADMIN_USER, token, ADMIN_USER);
    }

    @Override
    public void close() {
        // Reverse order: controller-manager, apiserver, etcd.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        deleteQuietly(workDir);
    }

    private static Path etcdDataDir(Path workDir) throws IOException {
        // etcd fsyncs on every write; tmpfs makes the test cluster several times faster.
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path dir = Files.createTempDirectory(shm, "capstan-etcd-");
            Files.writeString(workDir.resolve("etcd-data-dir"), dir.toString());
            return dir;
        }
        return Files.createDirectories(workDir.resolve("etcd"));
    }

    private static void deleteQuietly(Path workDir) {
        try {
            Path pointer = workDir.resolve("etcd-data-dir");
            if (Files.exists(pointer)) {
                deleteTree(Path.of(Files.readString(pointer).strip()));
            }
            deleteTree(workDir);
        } catch (IOException e) {
            System.getLogger(LocalCluster.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete " + workDir + ": " + e.getMessage());
        }
    }

    /** Deletes a directory tree; a missing one is fine. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void writeServiceAccountKeys(Path privateKey, Path publicKey) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every JDK", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static boolean exists(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    /** Waits for a startup condition, failing fast with the process's log if one of them died meanwhile. */
    private static void awaitCondition(List<TetheredProcess> processes, Duration timeout, String what,
                                       BooleanSupplier condition) {
        try {
            Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                for (TetheredProcess process : processes) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(process.name() + " exited while waiting for " + what
                                + "; its log ends with:\n" + process.logTail(30));
                    }
                }
                return condition.getAsBoolean();
            });
        } catch (ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            processes.forEach(p -> logs.append("\n--- ").append(p.name()).append(":\n").append(p.logTail(15)));
            throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + logs, e);
        }
    }
}
