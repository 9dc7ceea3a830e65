package dev.capstan.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfigParser;
import dev.capstan.agent.repo.RepoTree;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A unit's source, what decides whether a commit makes it work: its own environment's section of capstan.yaml, its
 * content's ids and the cluster's capabilities; nothing another environment or another chart changed.
 */
class UnitSourceTest {
    private static final String CONFIG = """
            environments:
              - {name: staging, namespace: shop-staging, rollout: {strategy: canary, steps: [50, 100]}}
              - {name: prod, namespace: shop, rollout: {strategy: canary, steps: [10, 100]}}
            charts: [web, api]
            """;

    @Test
    void anotherEnvironmentsSectionOrTheChartsListLeaveTheUnitsSourceAlone() {
        IdTree tree = new IdTree(Map.of("capstan.yaml", "c1", "charts/web", "t1"));
        String before = source(tree, CONFIG, "staging");

        String prodChanged = CONFIG.replace("steps: [10, 100]", "steps: [5, 50, 100]").replace("[web, api]",
                "[web, api, cart]");
        IdTree edited = new IdTree(Map.of("capstan.yaml", "c2", "charts/web", "t1"));

        assertThat(source(edited, prodChanged, "staging")).isEqualTo(before);
        assertThat(source(edited, prodChanged, "prod")).isNotEqualTo(source(tree, CONFIG, "prod"));
    }

    @Test
    void itsOwnSectionItsContentAndTheClustersCapabilitiesEachChangeIt() {
        IdTree tree = new IdTree(Map.of("capstan.yaml", "c1", "charts/web", "t1"));
        String before = source(tree, CONFIG, "staging");

        assertThat(source(tree, CONFIG.replace("shop-staging", "shop-qa"), "staging")).isNotEqualTo(before);
        assertThat(source(new IdTree(Map.of("capstan.yaml", "c1", "charts/web", "t2")), CONFIG, "staging"))
                .isNotEqualTo(before);
        assertThat(CommitCycle.source(tree, environment(CONFIG, "staging"), List.of("charts/web"), "caps-2"))
                .isNotEqualTo(before);
    }

    @Test
    void noCapstanYamlOrNoWayToNameTheContentMeansNoSource() {
        assertThat(source(new IdTree(Map.of("charts/web", "t1")), CONFIG, "staging")).isEmpty();
        IdTree unnamed = new IdTree(Map.of("capstan.yaml", "c1")) {
            @Override
            public Optional<String> contentId(String path) {
                return path.equals("capstan.yaml") ? Optional.of("c1") : Optional.empty();
            }
        };
        assertThat(source(unnamed, CONFIG, "staging")).isEmpty();
    }

    @Test
    void aCommitChangesAUnitsSourceExactlyWhenAFileAtOrUnderOneOfItsPathsChanged() {
        java.util.Set<String> changed = java.util.Set.of("charts/web/values.yaml", "apps/base/kustomization.yaml");

        assertThat(CommitCycle.touches(List.of("charts/web"), changed)).isTrue();
        assertThat(CommitCycle.touches(List.of("charts/we"), changed)).as("a name's prefix is another name").isFalse();
        assertThat(CommitCycle.touches(List.of("charts/web-api"), changed)).isFalse();
        assertThat(CommitCycle.touches(List.of("apps/shop/overlays/prod", "apps/base/kustomization.yaml"), changed))
                .as("a file a kustomization read").isTrue();
        assertThat(CommitCycle.touches(List.of(""), changed)).as("the whole repository").isTrue();
        assertThat(CommitCycle.touches(List.of(""), java.util.Set.of())).as("a commit that changed nothing")
                .isFalse();
    }

    @Test
    void changedUnitsAreOfferedFirstInPlanOrder() {
        List<dev.capstan.agent.plan.Unit> units = java.util.stream.Stream.of("web/staging", "api/staging",
                "web/prod", "api/prod").map(id -> new dev.capstan.agent.plan.Unit(id.split("/")[0],
                environment(CONFIG, id.split("/")[1]), dev.capstan.agent.plan.Unit.Kind.CHART)).toList();
        Map<String, String> before = Map.of("web/staging", "a", "api/staging", "b", "web/prod", "c", "api/prod", "d");
        Map<String, String> now = Map.of("web/staging", "a", "api/staging", "b2", "web/prod", "c", "api/prod", "d2");

        assertThat(CommitCycle.changedFirst(units, now, before)).extracting(dev.capstan.agent.plan.Unit::id)
                .containsExactly("api/staging", "api/prod", "web/staging", "web/prod");
        assertThat(CommitCycle.changedFirst(units, now, Map.of())).as("the first offer: all changed, plan order")
                .isEqualTo(units);
    }

    private static String source(RepoTree tree, String config, String env) {
        return CommitCycle.source(tree, environment(config, env), List.of("charts/web"), "caps-1");
    }

    private static Environment environment(String config, String name) {
        return RepoConfigParser.parse(config).environments().stream().filter(e -> e.name().equals(name))
                .findFirst().orElseThrow();
    }

    /** A tree that names content by id, as git does; "absent" for what it lacks. */
    private static class IdTree implements RepoTree {
        private final Map<String, String> ids;

        IdTree(Map<String, String> ids) {
            this.ids = new HashMap<>(ids);
        }

        @Override
        public Optional<String> contentId(String path) {
            return Optional.of(ids.getOrDefault(path, "absent"));
        }

        @Override
        public Optional<byte[]> read(String path) {
            return Optional.empty();
        }

        @Override
        public List<String> directories(String dir) {
            return List.of();
        }

        @Override
        public Map<String, byte[]> files(String dir) {
            return Map.of();
        }

        @Override
        public CheckoutSize writeTo(Path dir) {
            return new CheckoutSize(0, 0);
        }

        @Override
        public String describe() {
            return "ids";
        }
    }
}
