package dev.capstan.agent.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.IgnoreRule;
import dev.capstan.agent.config.RepoConfigParser;
import dev.capstan.agent.model.ObjectKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftFilterTest {
    private static final ObjectKey WEB = new ObjectKey("apps/v1", "Deployment", "shop", "web");

    @Test
    void ignoredFieldsAndWhatIsBelowThemAreInSyncOthersStay() {
        IgnoreRule replicas = new IgnoreRule(Optional.of("web"), Optional.empty(), Optional.of("Deployment"),
                Optional.empty(), List.of("spec.replicas", "spec.template.spec.containers"));
        UnitDrift drift = new UnitDrift("web/staging", "c", Instant.EPOCH, UnitDrift.State.OutOfSync, "", List.of(
                new ObjectVerdict.Modified(WEB, List.of(new FieldChange("spec.replicas", 5, 2),
                        new FieldChange("spec.template.spec.containers[name=api].image", "b", "a")))), "");

        assertThat(DriftFilter.apply(drift, List.of(replicas), "web", "staging").state())
                .isEqualTo(UnitDrift.State.InSync);
        assertThat(DriftFilter.apply(drift, List.of(replicas), "orders", "staging").state())
                .isEqualTo(UnitDrift.State.OutOfSync);
        IgnoreRule onlyReplicas = new IgnoreRule(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of("spec.replicas"));
        UnitDrift kept = DriftFilter.apply(drift, List.of(onlyReplicas), "web", "staging");
        assertThat(kept.state()).isEqualTo(UnitDrift.State.OutOfSync);
        assertThat(((ObjectVerdict.Modified) kept.objects().get(0)).changes()).extracting(FieldChange::path)
                .containsExactly("spec.template.spec.containers[name=api].image");
        assertThat(onlyReplicas.covers("spec.replicasX")).isFalse();
    }

    @Test
    void capstanYamlReadsDriftModesAndIgnoreRulesAndNamesBadFields() {
        var config = RepoConfigParser.parse("""
                environments:
                  - {name: staging}
                  - {name: production, drift: report}
                ignoreDifferences:
                  - {chart: web, kind: Deployment, fields: [spec.replicas]}
                """);
        assertThat(config.environments()).extracting(e -> e.drift().label()).containsExactly("heal", "report");
        assertThat(config.ignoreDifferences()).singleElement().satisfies(r -> assertThat(r.selects("web",
                "production", "Deployment", "any")).isTrue());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RepoConfigParser.parse(
                "environments: [{name: staging, drift: fix}]\n")).hasMessageContaining("drift")
                .hasMessageContaining("'heal' or 'report'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RepoConfigParser.parse(
                "environments: [{name: s}]\nignoreDifferences: [{kind: Deployment}]\n"))
                .hasMessageContaining("ignoreDifferences[0].fields");
    }
}
