package dev.capstan.agent.helm;

import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.Hook;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.RenderedObject;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an object's Helm hook annotations the way an Argo CD user expects them honoured: {@code pre-install} /
 * {@code pre-upgrade} and {@code post-install} / {@code post-upgrade} run; {@code test} hooks are skipped, as are the
 * delete and rollback hooks (Capstan never uninstalls a release, and its rollbacks re-apply stored manifests).
 */
final class HelmHooks {
    /** On every hook object Capstan applies: {@code <chart>/<env>} of the unit it belongs to. */
    static final String HOOK_OF = Labels.HOOK_OF;
    private static final String WEIGHT = "helm.sh/hook-weight";
    private static final String DELETE_POLICY = "helm.sh/hook-delete-policy";
    private static final Set<String> SKIPPED = Set.of("test", "test-success", "test-failure", "pre-delete",
            "post-delete", "pre-rollback", "post-rollback", "crd-install");

    private HelmHooks() {
    }

    /**
     * The hook {@code object} is; empty when it is no hook at all. A hook whose every event is skipped comes back with
     * no events: it is never run, but {@code capstan render} prints it as {@code helm template} does.
     */
    static Optional<Hook> parse(String chart, String file, RenderedObject object) {
        Object metadata = object.content().get("metadata");
        Object raw = metadata instanceof Map<?, ?> m ? m.get("annotations") : null;
        if (!(raw instanceof Map<?, ?> annotations) || !annotations.containsKey(ChartRewrite.HOOK_KEY)) {
            return Optional.empty();
        }
        String where = object.key().kind() + " " + object.key().name();
        Set<Hook.Event> events = EnumSet.noneOf(Hook.Event.class);
        for (String event : list(annotations.get(ChartRewrite.HOOK_KEY))) {
            if (SKIPPED.contains(event)) {
                continue;
            }
            events.add(enumOf(Hook.Event.class, event).orElseThrow(() -> new ChartException(chart, file, 0, where
                    + ": unknown " + ChartRewrite.HOOK_KEY + " event '" + event + "'")));
        }
        int weight = 0;
        Object rawWeight = annotations.get(WEIGHT);
        if (rawWeight != null && !rawWeight.toString().isBlank()) {
            try {
                weight = Integer.parseInt(rawWeight.toString().trim());
            } catch (NumberFormatException e) {
                throw new ChartException(chart, file, 0, where + ": " + WEIGHT + " must be an integer, found '"
                        + rawWeight + "'");
            }
        }
        Set<Hook.DeletePolicy> policies = EnumSet.noneOf(Hook.DeletePolicy.class);
        for (String policy : list(annotations.get(DELETE_POLICY))) {
            policies.add(enumOf(Hook.DeletePolicy.class, policy).orElseThrow(() -> new ChartException(chart, file, 0,
                    where + ": unknown " + DELETE_POLICY + " '" + policy + "'")));
        }
        if (policies.isEmpty()) {
            policies.add(Hook.DeletePolicy.BEFORE_HOOK_CREATION);
        }
        return Optional.of(new Hook(object, events, weight, policies));
    }

    private static java.util.List<String> list(Object value) {
        if (value == null) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
    }

    private static <E extends Enum<E>> Optional<E> enumOf(Class<E> type, String helmName) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(helmName.toUpperCase(java.util.Locale.ROOT).replace('-', '_'))) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
