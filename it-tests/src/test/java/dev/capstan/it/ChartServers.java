package dev.capstan.it;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.capstan.testcluster.ClusterBinaries;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * The real servers charts come from, on loopback, started by the test: an OCI registry (Debian's
 * {@code docker-registry}, the CNCF distribution registry) over TLS with a CA of the test's own and basic auth
 * ({@code htpasswd} bcrypt), and a classic Helm repository (files {@code helm package} and {@code helm repo index}
 * wrote, served over HTTP). Charts are packaged, indexed, pushed and locked by the real {@code helm} CLI.
 */
final class ChartServers implements AutoCloseable {
    static final String USER = "capstan-ci";
    private static final Pattern DIGEST = Pattern.compile("Digest: (sha256:[0-9a-f]{64})");

    final String password = "pw-" + java.util.UUID.randomUUID();
    final Path dir;
    final Path caFile;
    final Path passwordFile;
    final int registryPort;
    final Path classicDir;
    private final Path helm;
    private Process registry;
    private final HttpServer classic;

    ChartServers(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("helm"));
            this.classicDir = Files.createDirectories(dir.resolve("classic"));
            this.caFile = dir.resolve("ca.pem");
            run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    dir.resolve("key.pem").toString(), "-out", caFile.toString(), "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"), Map.of());
            Files.writeString(dir.resolve("htpasswd"), run(List.of("htpasswd", "-Bbn", USER, password), Map.of()));
            this.passwordFile = dir.resolve("registry-password");
            Files.writeString(passwordFile, password + "\n");
            this.registryPort = freePort();
            Files.writeString(dir.resolve("registry.yml"), """
                    version: 0.1
                    log: {level: error, accesslog: {disabled: true}}
                    storage: {filesystem: {rootdirectory: %s}}
                    http:
                      addr: 127.0.0.1:%d
                      tls: {certificate: %s, key: %s}
                    auth:
                      htpasswd: {realm: capstan-test, path: %s}
                    """.formatted(dir.resolve("registry-data"), registryPort, caFile, dir.resolve("key.pem"),
                    dir.resolve("htpasswd")));
            this.helm = helmBinary();
            startRegistry();
            this.classic = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            classic.createContext("/", exchange -> {
                Path file = classicDir.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
                if (!file.startsWith(classicDir) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            classic.start();
            helm("registry", "login", "127.0.0.1:" + registryPort, "--username", USER, "--password", password,
                    "--ca-file", caFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String ociRepository() {
        return "oci://127.0.0.1:" + registryPort + "/charts";
    }

    String classicRepository() {
        return "http://127.0.0.1:" + classic.getAddress().getPort();
    }

    /** Writes a chart (a Deployment and a Service) named {@code name} at {@code version} running image {@code tag}. */
    Path chart(String name, String version, String tag) {
        Path chart = dir.resolve("src").resolve(name + "-" + version).resolve(name);
        write(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: " + name + "\nversion: " + version
                + "\nappVersion: \"" + tag + "\"\n");
        write(chart.resolve("values.yaml"), "replicas: 2\ngreeting: hello\nimage: {repository: "
                + "registry.example.com/" + name + "}\n");
        write(chart.resolve("templates/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{ .Release.Name }}-{{ .Chart.Name }}
                spec:
                  replicas: {{ .Values.replicas }}
                  progressDeadlineSeconds: 600
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: {{ .Chart.Name }}
                      app.kubernetes.io/instance: {{ .Release.Name }}
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: {{ .Chart.Name }}
                        app.kubernetes.io/instance: {{ .Release.Name }}
                      annotations: {sim.capstan.dev/ready-after-ms: "200"}
                    spec:
                      containers:
                        - name: app
                          image: "{{ .Values.image.repository }}:{{ .Chart.AppVersion }}"
                          env: [{name: GREETING, value: {{ .Values.greeting | quote }}}]
                          ports: [{name: http, containerPort: 8080}]
                """);
        write(chart.resolve("templates/service.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: {{ .Release.Name }}-{{ .Chart.Name }}
                spec:
                  selector:
                    app.kubernetes.io/name: {{ .Chart.Name }}
                    app.kubernetes.io/instance: {{ .Release.Name }}
                  ports: [{name: http, port: 80, targetPort: http}]
                """);
        return chart;
    }

    /** {@code helm package}: the archive's path. */
    Path packaged(Path chart) {
        Path out = dir.resolve("packages");
        helm("package", chart.toString(), "--destination", out.toString());
        String name = chart.getFileName().toString();
        String version = read(chart.resolve("Chart.yaml")).lines().filter(l -> l.startsWith("version: ")).findFirst()
                .orElseThrow().substring("version: ".length());
        return out.resolve(name + "-" + version + ".tgz");
    }

    /** {@code helm push} to the registry: the manifest digest Helm printed. */
    String push(Path archive) {
        String printed = helm("push", archive.toString(), ociRepository(), "--ca-file", caFile.toString());
        Matcher digest = DIGEST.matcher(printed);
        if (!digest.find()) {
            throw new IllegalStateException("helm push printed no digest: " + printed);
        }
        return digest.group(1);
    }

    /** Copies the archive into the classic repository and re-indexes it with {@code helm repo index}. */
    void publishClassic(Path archive) {
        try {
            Files.copy(archive, classicDir.resolve(archive.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        helm("repo", "index", classicDir.toString(), "--url", classicRepository());
    }

    /**
     * A chart archive, written by GNU tar as an attacker writes it, whose second entry climbs out of the chart:
     * {@code slip/../../../../tmp/capstan-slipped}.
     */
    Path zipSlip() {
        Path work = dir.resolve("zip-slip");
        write(work.resolve("slip/Chart.yaml"), "apiVersion: v2\nname: slip\nversion: 1.0.0\n");
        write(work.resolve("payload"), "pwned\n");
        Path archive = dir.resolve("packages/slip-1.0.0.tgz");
        write(archive, "");
        run(List.of("tar", "-C", work.toString(), "-P", "--transform=s|^payload$|slip/../../../../tmp/capstan-slipped|",
                "-czf", archive.toString(), "slip/Chart.yaml", "payload"), Map.of());
        return archive;
    }

    /**
     * Lists an archive in the classic repository's index by hand, with its true digest: what a hostile repository
     * serves when {@code helm repo index} itself would refuse the archive.
     */
    void listByHand(String name, String version, Path archive) {
        try {
            String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(archive)));
            Files.copy(archive, classicDir.resolve(archive.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path index = classicDir.resolve("index.yaml");
            String entry = "  " + name + ":\n  - apiVersion: v2\n    name: " + name + "\n    version: " + version
                    + "\n    digest: " + digest + "\n    urls: [" + classicRepository() + "/" + archive.getFileName()
                    + "]\n";
            Files.writeString(index, read(index).replaceFirst("(?m)^entries:\n", "entries:\n" + entry));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code helm dependency update} of {@code chart} (logged in to the registry): the Chart.lock Helm wrote. */
    String lock(Path chart) {
        helm("dependency", "update", chart.toString(), "--ca-file", caFile.toString());
        return read(chart.resolve("Chart.lock"));
    }

    void stopRegistry() {
        registry.destroy();
        try {
            registry.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void startRegistry() {
        try {
            registry = new ProcessBuilder("docker-registry", "serve", dir.resolve("registry.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("docker-registry (Debian package docker-registry) cannot be started", e);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Socket socket = new Socket("127.0.0.1", registryPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    String helm(String... args) {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("HELM_CONFIG_HOME", dir.resolve("helm/config").toString(),
                "HELM_CACHE_HOME", dir.resolve("helm/cache").toString(),
                "HELM_DATA_HOME", dir.resolve("helm/data").toString(),
                "HOME", dir.resolve("helm").toString(),
                "SSL_CERT_FILE", caFile.toString()));
    }

    @Override
    public void close() {
        classic.stop(0);
        if (registry != null) {
            registry.destroyForcibly();
        }
    }

    private static String run(List<String> command, Map<String, String> env) {
        try {
            Path log = Files.createTempFile("chart-servers", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv("PATH"));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " " + command.get(1) + " did not finish");
            }
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                        + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path helmBinary() {
        String preset = System.getenv("CAPSTAN_HELM_BIN");
        if (preset != null && Files.isExecutable(Path.of(preset))) {
            return Path.of(preset);
        }
        return ClusterBinaries.pathNamedBy(ClusterBinaries.repoRoot().resolve("it-tests/scripts/helm-binary.sh"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
