package dev.capstan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void rendersEveryUnitOfTheExamples() {
        Result result = run("render", EXAMPLES.toString());

        assertThat(result.exit).isZero();
        assertThat(result.err).isEmpty();
        assertThat(result.out).contains("capstan.dev/env: staging", "capstan.dev/env: production",
                "name: checkout-api", "name: orders");
    }

    @Test
    void filtersByChartAndEnv() {
        Result result = run("render", EXAMPLES.toString(), "--chart", "orders", "--env", "production");

        assertThat(result.exit).isZero();
        assertThat(result.out).contains("namespace: production", "replicas: 2")
                .doesNotContain("checkout-api", "namespace: staging");
    }

    @Test
    void apiVersionsCanBeDeclaredForOfflineRendering() {
        Result old = run("render", EXAMPLES.toString(), "--chart", "checkout-api", "--env", "staging",
                "--kube-version", "1.20.2");
        Result declared = run("render", EXAMPLES.toString(), "--chart", "checkout-api", "--env", "staging",
                "--kube-version", "1.20.2", "--api-versions",
                "policy/v1/PodDisruptionBudget,autoscaling/v2/HorizontalPodAutoscaler");
        Result current = run("render", EXAMPLES.toString(), "--chart", "checkout-api", "--env", "staging");
        Result notAVersion = run("render", EXAMPLES.toString(), "--kube-version", "latest");

        assertThat(old.out).contains("apiVersion: policy/v1beta1", "apiVersion: autoscaling/v2beta2");
        assertThat(declared.out).contains("apiVersion: policy/v1\n", "apiVersion: autoscaling/v2\n");
        assertThat(current.out).as("without --kube-version: the newest supported release")
                .contains("apiVersion: policy/v1\n", "apiVersion: autoscaling/v2\n");
        assertThat(notAVersion.exit).isEqualTo(2);
        assertThat(notAVersion.err).contains("not a Kubernetes version: 'latest'");
    }

    @Test
    void aRecursiveSchemaFailsItsChartOnlyAndLintWarnsOfSymlinks(@TempDir Path temp) throws IOException {
        copy(EXAMPLES, temp);
        Files.writeString(temp.resolve("charts/orders/values.schema.json"),
                "{\"definitions\": {\"a\": {\"$ref\": \"#/definitions/a\"}}, \"$ref\": \"#/definitions/a\"}");
        Files.createSymbolicLink(temp.resolve("charts/checkout-api/templates/extra.yaml"), Path.of("/etc/hostname"));

        Result render = run("render", temp.toString(), "--env", "staging");
        Result lint = run("lint", temp.toString(), "--env", "staging");

        assertThat(render.exit).isEqualTo(1);
        assertThat(render.err).startsWith("ERROR orders/staging values.schema.json: $ref cycle")
                .contains("#/definitions/a -> #/definitions/a").doesNotContain("StackOverflow", "\tat ");
        assertThat(render.out).contains("name: checkout-api").doesNotContain("/etc/hostname");
        assertThat(lint.out).contains("ERROR orders values.schema.json: $ref cycle",
                "WARNING checkout-api templates/extra.yaml: symbolic link skipped");
    }

    @Test
    void manifestDirectoriesRenderAndLintBesideCharts(@TempDir Path temp) throws IOException {
        copy(EXAMPLES, temp);
        Files.createDirectories(temp.resolve("apps/plain/production"));
        Files.writeString(temp.resolve("apps/plain/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: plain}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: plain}}
                  template:
                    metadata: {labels: {app: plain}}
                    spec: {containers: [{name: c, image: "plain:latest"}]}
                """);
        Files.writeString(temp.resolve("apps/plain/production/replicas.yaml"),
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: plain}\nspec: {replicas: 3}\n");
        Files.writeString(temp.resolve("capstan.yaml"), Files.readString(temp.resolve("capstan.yaml"))
                .replace("charts: [checkout-api, orders]", "charts: [checkout-api, orders]\napps: [plain]"));

        Result staging = run("render", temp.toString(), "--chart", "plain", "--env", "staging");
        Result production = run("render", temp.toString(), "--chart", "plain", "--env", "production");
        Result lint = run("lint", temp.toString(), "--chart", "plain");

        assertThat(staging.exit).isZero();
        assertThat(staging.out).contains("# Source: plain/deployment.yaml", "namespace: staging", "replicas: 1",
                "capstan.dev/chart: plain");
        assertThat(production.out).contains("# Source: plain/deployment.yaml + production/replicas.yaml",
                "replicas: 3");
        assertThat(lint.out).contains("WARNING plain/staging", "latest", "WARNING plain/production",
                "1 app(s) x 2 environment(s)");
    }

    @Test
    void aBrokenChartExitsOneNamingFileAndLineWhileOthersStillRender(@TempDir Path temp) throws IOException {
        copy(EXAMPLES, temp);
        Files.writeString(temp.resolve("charts/orders/templates/service.yaml"), "kind: Service\n{{ values.nope }}\n");

        Result result = run("render", temp.toString(), "--env", "staging");

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.err).startsWith("ERROR orders/staging templates/service.yaml:2: ")
                .doesNotContain("Exception", "\tat ");
        assertThat(result.out).contains("name: checkout-api");
    }

    @Test
    void usageErrorsExitTwo(@TempDir Path temp) {
        assertThat(run("render", temp.resolve("missing").toString()).exit).isEqualTo(2);
        assertThat(run("render", temp.toString()).err).contains("capstan.yaml: not found");
        assertThat(run("render", EXAMPLES.toString(), "--env", "qa").err).contains("no unit matches --env qa");
        assertThat(run("render").exit).isEqualTo(2);
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CapstanCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setParameterExceptionHandler((e, ignored) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            return CapstanCli.USAGE;
        });
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void helmChartsRenderLikeHelmTemplateForTheKubeVersionGiven(@TempDir Path temp) throws IOException {
        copy(EXAMPLES, temp);
        Path helmCharts = Path.of("src/test/resources/helm-charts");
        deleteTree(temp.resolve("charts/checkout-api"));
        copy(helmCharts.resolve("checkout-api"), temp.resolve("charts/checkout-api"));
        copy(helmCharts.resolve("podinfo"), temp.resolve("charts/podinfo"));
        Files.writeString(temp.resolve("capstan.yaml"), Files.readString(temp.resolve("capstan.yaml"))
                .replace("charts: [checkout-api, orders]", "charts: [checkout-api, orders, podinfo]"));

        Result old = run("render", temp.toString(), "--env", "production", "--kube-version", "1.20.2");
        Result modern = run("render", temp.toString(), "--env", "production", "--chart", "podinfo");
        Result lint = run("lint", temp.toString(), "--chart", "checkout-api");

        assertThat(old.exit).isEqualTo(1);
        assertThat(old.err.strip()).startsWith("ERROR podinfo/production").contains("kubeVersion")
                .doesNotContain("\n");
        assertThat(old.out).contains("# Source: checkout-api/templates/deployment.yaml", "kind: Deployment",
                "apiVersion: policy/v1beta1", "name: orders").doesNotContain("podinfo");
        assertThat(modern.exit).isZero();
        assertThat(modern.out).contains("# Source: podinfo/templates/deployment.yaml", "namespace: production");
        assertThat(lint.exit).isZero();
        assertThat(lint.out).as("the Helm chart was examined").contains("lint: 1 chart(s)", "0 error(s)");
    }

    @Test
    void lintExaminesHelmChartsAndFindsWhatStopsTheirRender(@TempDir Path temp) throws IOException {
        copy(EXAMPLES, temp);
        deleteTree(temp.resolve("charts/checkout-api"));
        copy(Path.of("src/test/resources/helm-charts/checkout-api"), temp.resolve("charts/checkout-api"));
        Files.writeString(temp.resolve("charts/checkout-api/templates/broken.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | }}\n");

        Result lint = run("lint", temp.toString(), "--chart", "checkout-api");

        assertThat(lint.exit).isEqualTo(1);
        assertThat(lint.out).contains("ERROR checkout-api", "templates/broken.yaml", "lint: 1 chart(s)");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
