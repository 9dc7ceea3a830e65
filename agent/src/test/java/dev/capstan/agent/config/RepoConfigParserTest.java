package dev.capstan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RepoConfigParserTest {

    @Test
    void parsesTheExampleRepoConfig() throws IOException {
        RepoConfig config = RepoConfigParser.parse(Files.readString(Path.of("..", "examples", "capstan.yaml")));

        assertThat(config.environments()).extracting(Environment::name).containsExactly("staging", "production");
        Environment production = config.environments().get(1);
        assertThat(production.namespace()).isEqualTo("production");
        assertThat(production.cluster()).isEqualTo("default");
        assertThat(production.rollout().strategy()).isEqualTo(Environment.Strategy.CANARY);
        assertThat(production.rollout().steps()).containsExactly(10, 50, 100);
        assertThat(production.rollout().stepTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.charts()).contains(List.of("checkout-api", "orders"));
    }

    @Test
    void defaultsNamespaceToTheEnvironmentNameAndRolloutToRolling() {
        RepoConfig config = RepoConfigParser.parse("environments: [{name: dev}]\n");

        Environment dev = config.environments().get(0);
        assertThat(dev.namespace()).isEqualTo("dev");
        assertThat(dev.rollout().strategy()).isEqualTo(Environment.Strategy.ROLLING);
        assertThat(config.charts()).isEmpty();
    }

    @Test
    void parsesTheBlueGreenStrategyWithItsDelayAndPreviewService() {
        RepoConfig config = RepoConfigParser.parse("""
                environments:
                  - name: production
                    rollout: {strategy: blueGreen, scaleDownDelay: 2m, previewService: true, stepTimeout: 1m}
                  - name: staging
                    rollout: {strategy: blueGreen}
                charts: [web]
                """);
        Environment.Rollout production = config.environments().get(0).rollout();
        assertThat(production.strategy()).isEqualTo(Environment.Strategy.BLUE_GREEN);
        assertThat(production.blueGreen()).isEqualTo(new Environment.BlueGreen(Duration.ofMinutes(2), true));
        assertThat(production.stepTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.environments().get(1).rollout().blueGreen())
                .as("Argo Rollouts' default delay, no preview Service").isEqualTo(Environment.BlueGreen.DEFAULT);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "environments: []|capstan.yaml: environments: at least one environment is required",
        "environments: [{namespace: x}]|capstan.yaml: environments[0].name: required",
        "environments: [{name: Dev}]|capstan.yaml: environments[0].name: must be a DNS label",
        "environments: [{name: a}, {name: a}]|capstan.yaml: environments[1].name: duplicate environment 'a'",
        "environments: [{name: a, rollout: {strategy: blue}}]|environments[0].rollout.strategy: expected 'rolling'",
        "environments: [{name: a, rollout: {strategy: blueGreen, steps: [100]}}]|rollout.steps: blueGreen has no perc",
        "environments: [{name: a, rollout: {strategy: canary, scaleDownDelay: 1m}}]|rollout.scaleDownDelay: only for",
        "environments: [{name: a, rollout: {previewService: true}}]|environments[0].rollout.previewService: only for",
        "environments: [{name: a, rollout: {strategy: blueGreen, scaleDownDelay: 25h}}]|scaleDownDelay: at most 24h",
        "environments: [{name: a, rollout: {strategy: blueGreen, scaleDownDelay: 0s}}]|scaleDownDelay: must be greater",
        "environments: [{name: a, rollout: {strategy: blueGreen, previewService: 'on'}}]|previewService: expected true",
        "environments: [{name: a, rollout: {steps: [50, 20, 100]}}]|environments[0].rollout.steps: expected rising",
        "environments: [{name: a, rollout: {steps: [10, 50]}}]|environments[0].rollout.steps: the last step must be",
        "environments: [{name: a, rollout: {stepTimeout: soon}}]|environments[0].rollout.stepTimeout: expected a dur",
        "environments: [{name: a, rollout: {stepTimeout: 2h}}]|environments[0].rollout.stepTimeout: at most 60m",
        "environments: [{name: a, nmespace: b}]|capstan.yaml: environments[0].nmespace: unknown field",
        "environments: [{name: a}]\\ncharts: [Bad_Name]|capstan.yaml: charts: must be a DNS label",
        "environments: {name: a}|capstan.yaml: environments: expected a list",
        "- just a list|capstan.yaml: expected a YAML mapping at the top level",
        "environments: [unclosed|capstan.yaml:1: invalid YAML",
    })
    void rejectsInvalidConfigNamingTheField(String yaml, String expected) {
        assertThatThrownBy(() -> RepoConfigParser.parse(yaml.replace("\\n", "\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void aSmokeChecksFailureThresholdIsOneOrMore() {
        String yaml = """
                environments:
                  - name: staging
                    smoke: [{name: home, url: "http://api.staging.svc/healthz", failureThreshold: %s}]
                """;
        assertThat(((Check.Http) RepoConfigParser.parse(yaml.formatted("1")).environments().get(0).checks().get(0))
                .failureThreshold()).isEqualTo(1);
        assertThatThrownBy(() -> RepoConfigParser.parse(yaml.formatted("0")))
                .hasMessageContaining("failureThreshold");
    }

    @Test
    void parsesSmokeAndPrometheusChecksWithDefaults() {
        RepoConfig config = RepoConfigParser.parse("""
                environments:
                  - name: staging
                    smoke:
                      - {name: home, url: "http://api.staging.svc/healthz", bodyMatches: "ok", successes: 3}
                    prometheus:
                      - {name: errors, url: "http://prometheus:9090", query: "sum(rate(e[1m]))", max: 0.05}
                """);
        var checks = config.environments().get(0).checks();
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).isInstanceOfSatisfying(Check.Http.class, http -> {
            assertThat(http.expectStatus()).isEqualTo(200);
            assertThat(http.successes()).isEqualTo(3);
            assertThat(http.failureThreshold()).isEqualTo(Check.Http.DEFAULT_FAILURE_THRESHOLD).isEqualTo(3);
            assertThat(http.bodyMatches()).hasValueSatisfying(p -> assertThat(p.pattern()).isEqualTo("ok"));
        });
        assertThat(checks.get(1)).isInstanceOfSatisfying(Check.Prometheus.class, q -> {
            assertThat(q.max()).contains(0.05);
            assertThat(q.min()).isEmpty();
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smoke: [{name: a, url: 'ftp://x/'}]|environments[0].smoke[0].url: expected an http:// or https:// URL",
        "smoke: [{name: a, url: 'http://u:p@x/'}]|environments[0].smoke[0].url: must not hold credentials",
        "smoke: [{name: a, url: 'http://x/', bodyMatches: '('}]|environments[0].smoke[0].bodyMatches: not a valid",
        "smoke: [{name: a, url: 'http://x/', expectStatus: 999}]|environments[0].smoke[0].expectStatus",
        "prometheus: [{name: a, url: 'http://p/', query: up}]|environments[0].prometheus[0].max: a prometheus "
                + "check needs",
        "prometheus: [{name: a, url: 'http://p/', query: up, min: 2, max: 1}]|environments[0].prometheus[0].min: "
                + "is above max",
        "smoke: [{name: a, url: 'http://x/'}, {name: a, url: 'http://y/'}]|environments[0].smoke[1].name: "
                + "duplicate check name 'a'"
    })
    void rejectsBadChecksNamingTheField(String checks, String message) {
        assertThatThrownBy(() -> RepoConfigParser.parse("environments:\n  - name: dev\n    " + checks + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void removedUnitsDefaultsToKeepAndAnEnvironmentMayPrune() {
        RepoConfig config = RepoConfigParser.parse("""
                removedUnits: keep
                environments:
                  - {name: staging, removedUnits: prune}
                  - {name: production}
                """);

        assertThat(config.removedUnits("staging")).isEqualTo(RepoConfig.RemovedUnits.PRUNE);
        assertThat(config.removedUnits("production")).isEqualTo(RepoConfig.RemovedUnits.KEEP);
        assertThat(config.removedUnits("gone")).isEqualTo(RepoConfig.RemovedUnits.KEEP);
        assertThat(RepoConfigParser.parse("environments: [{name: a}]\n").removedUnits("a"))
                .isEqualTo(RepoConfig.RemovedUnits.KEEP);
        assertThatThrownBy(() -> RepoConfigParser.parse("removedUnits: delete\nenvironments: [{name: a}]\n"))
                .hasMessageContaining("removedUnits: expected 'keep' or 'prune', found 'delete'");
    }
}
