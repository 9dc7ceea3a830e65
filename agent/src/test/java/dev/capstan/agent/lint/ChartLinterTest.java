package dev.capstan.agent.lint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.repo.DirectoryTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartLinterTest {
    private static final List<Environment> ENVS = List.of(
            new Environment("staging", "staging", "default", Environment.Rollout.rollingDefault()),
            new Environment("production", "production", "default", Environment.Rollout.rollingDefault()));
    private final ChartLinter linter = new ChartLinter(new dev.capstan.agent.render.UnitRenderer());

    @Test
    void theExampleChartsAreClean() {
        DirectoryTree examples = new DirectoryTree(Path.of("..", "examples"));
        for (String chart : List.of("checkout-api", "orders")) {
            assertThat(linter.lint(Planner.chartFiles(examples, chart), ENVS, Capabilities.offlineDefault()))
                    .as(chart).isEmpty();
        }
    }

    @Test
    void literalSecretsInValuesAreErrorsWithTheirLineButReferencesAreFine() {
        ChartFiles chart = chart(Map.of(
                "values.yaml", """
                        db:
                          host: db.internal
                          password: hunter2
                          passwordSecretName: db-credentials
                          existingSecret: db
                        apiKey: 12345
                        tokenFile: /var/run/token
                        """,
                "values.production.yaml", "stripe:\n  secretKey: sk_live_abc\n"));

        List<String> lines = format(linter.lint(chart, ENVS, Capabilities.offlineDefault()));

        assertThat(lines).contains(
                "ERROR demo values.yaml:3: literal secret in 'password': keep secrets out of git and reference an"
                        + " existing Secret by name",
                "ERROR demo values.yaml:6: literal secret in 'apiKey': keep secrets out of git and reference an"
                        + " existing Secret by name",
                "ERROR demo/production values.production.yaml:2: literal secret in 'secretKey': keep secrets out"
                        + " of git and reference an existing Secret by name");
        assertThat(lines).noneMatch(l -> l.contains("passwordSecretName") || l.contains("existingSecret")
                || l.contains("tokenFile"));
    }

    @Test
    void literalSecretsInTemplatesAndSecretsWithDataAreErrors() {
        ChartFiles chart = chart(Map.of("templates/secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                stringData:
                  password: s3cret
                  token: {{ values.name }}
                """));

        List<String> lines = format(linter.lint(chart, ENVS, Capabilities.offlineDefault()));

        assertThat(lines).contains("ERROR demo templates/secret.yaml:5: literal secret in 'password': keep"
                + " secrets out of git and reference an existing Secret by name");
        assertThat(lines).noneMatch(l -> l.contains("secret.yaml:6"));
        assertThat(lines).contains("ERROR demo/staging templates/secret.yaml: Secret creds holds literal data in"
                + " git (password, token); reference an existing Secret by name instead");
    }

    @Test
    void aKeyBesideTheSecretItNamesIsAKeyNameAndOneAloneIsACredential() {
        List<Finding> findings = LiteralSecrets.inValues("demo", "values.yaml", """
                license:
                  secretName: ""
                  secretKey: "license"
                s3:
                  secretKey: wJalrXUtnFEMI
                auth:
                  existingSecret: db
                  adminPasswordKey: admin-password
                  password: hunter2
                """);

        assertThat(findings).extracting(f -> f.line() + " " + f.message().split("'")[1])
                .containsExactly("5 secretKey", "9 password");
    }

    @Test
    void initContainersNeedNoReadinessProbeWhichTheApiServerForbidsThere() {
        ChartFiles chart = chart(Map.of("templates/deploy.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      initContainers:
                        - {name: init, image: "busybox:1.36", resources: {requests: {cpu: 1m}}}
                      containers:
                        - name: app
                          image: "nginx:1.27"
                          resources: {requests: {cpu: 10m}}
                """));

        List<String> lines = format(linter.lint(chart, List.of(ENVS.get(0)), Capabilities.offlineDefault()));

        assertThat(lines).containsExactly(
                "WARNING demo/staging templates/deploy.yaml: Deployment web container app has no readinessProbe");
    }

    @Test
    void unpinnedImagesMissingRequestsAndProbesAreWarnings() {
        ChartFiles chart = chart(Map.of("templates/deploy.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                        - {name: a, image: nginx}
                        - {name: b, image: "nginx:latest"}
                        - name: c
                          image: nginx@sha256:abc
                          resources: {requests: {cpu: 10m}}
                          readinessProbe: {tcpSocket: {port: 80}}
                """));

        List<String> lines = format(linter.lint(chart, List.of(ENVS.get(0)), Capabilities.offlineDefault()));

        assertThat(lines).containsExactly(
                "WARNING demo/staging templates/deploy.yaml: Deployment web container a has no readinessProbe",
                "WARNING demo/staging templates/deploy.yaml: Deployment web container a has no resource requests",
                "WARNING demo/staging templates/deploy.yaml: Deployment web container a: image 'nginx' has no tag;"
                        + " pin a version",
                "WARNING demo/staging templates/deploy.yaml: Deployment web container b has no readinessProbe",
                "WARNING demo/staging templates/deploy.yaml: Deployment web container b has no resource requests",
                "WARNING demo/staging templates/deploy.yaml: Deployment web container b: image 'nginx:latest' uses"
                        + " :latest; pin a version");
    }

    @Test
    void aDisruptionBudgetThatBlocksEveryEvictionIsAnError() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: {{ values.replicas }}
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web, tier: front}}
                    spec:
                      containers:
                        - {name: a, image: "nginx:1", resources: {requests: {cpu: 1m}}, readinessProbe: {}}
                """;
        String pdb = """
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: web}
                spec:
                  minAvailable: 2
                  selector: {matchLabels: {app: web}}
                """;
        ChartFiles chart = chart(Map.of("templates/deploy.yaml", deployment, "templates/pdb.yaml", pdb,
                "values.yaml", "name: demo\nreplicas: 3\n", "values.staging.yaml", "replicas: 2\n"));
        ChartFiles zero = chart(Map.of("templates/pdb.yaml", pdb.replace("minAvailable: 2", "maxUnavailable: 0")));

        List<String> lines = format(linter.lint(chart, ENVS, Capabilities.offlineDefault()));

        assertThat(lines).containsExactly("ERROR demo/staging templates/pdb.yaml: PodDisruptionBudget web can never"
                + " allow an eviction: minAvailable 2 with 2 replica(s) of Deployment web");
        assertThat(format(linter.lint(zero, ENVS, Capabilities.offlineDefault()))).contains("ERROR demo/staging"
                + " templates/pdb.yaml: PodDisruptionBudget web can never allow an eviction: maxUnavailable is 0");
    }

    @Test
    void renderErrorsBecomeOneFindingPerUnit() {
        ChartFiles chart = chart(Map.of("templates/a.yaml", "{{ values.nope }}\n"));

        assertThat(format(linter.lint(chart, ENVS, Capabilities.offlineDefault()))).containsExactly(
                "ERROR demo/production templates/a.yaml:1: 'nope' is not defined (templates are strict: give"
                        + " optional values a default with | default(...))",
                "ERROR demo/staging templates/a.yaml:1: 'nope' is not defined (templates are strict: give"
                        + " optional values a default with | default(...))");
    }

    @Test
    void keyNamesAreClassifiedLikeAnOperatorWould() {
        assertThat(LiteralSecrets.namesASecret("password")).isTrue();
        assertThat(LiteralSecrets.namesASecret("DB_PASSWORD")).isTrue();
        assertThat(LiteralSecrets.namesASecret("githubToken")).isTrue();
        assertThat(LiteralSecrets.namesASecret("api-key")).isTrue();
        assertThat(LiteralSecrets.namesASecret("secretName")).isFalse();
        assertThat(LiteralSecrets.namesASecret("passwordSecretRef")).isFalse();
        assertThat(LiteralSecrets.namesASecret("replicas")).isFalse();
        // The name of the key in a Secret, or a selector: no secret.
        assertThat(LiteralSecrets.namesASecret("passwordKey")).isFalse();
        assertThat(LiteralSecrets.namesASecret("adminPasswordKey")).isFalse();
        assertThat(LiteralSecrets.namesASecret("jenkinsHttpsJksPasswordSecretKey")).isFalse();
        assertThat(LiteralSecrets.namesASecret("userPasswordSecretKey")).isFalse();
        assertThat(LiteralSecrets.namesASecret("secretFieldSelector")).isFalse();
        // A secret key is a credential unless its siblings name the Secret it is in (inValues).
        assertThat(LiteralSecrets.namesASecret("secretKey")).isTrue();
        assertThat(LiteralSecrets.namesASecret("accessKey")).isTrue();
        assertThat(LiteralSecrets.namesASecret("privateKey")).isTrue();
        assertThat(ObjectRules.tagOf("registry:5000/app")).isNull();
        assertThat(ObjectRules.tagOf("registry:5000/app:1.2")).isEqualTo("1.2");
    }

    private static List<String> format(List<Finding> findings) {
        return findings.stream().map(Finding::format).toList();
    }

    private static ChartFiles chart(Map<String, String> extra) {
        Map<String, byte[]> files = new HashMap<>();
        files.put("Chart.yaml", "apiVersion: capstan/v1\nname: demo\nversion: 1.0.0\n"
                .getBytes(StandardCharsets.UTF_8));
        files.put("values.yaml", "name: demo\n".getBytes(StandardCharsets.UTF_8));
        extra.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return ChartFiles.of("demo", files);
    }
}
