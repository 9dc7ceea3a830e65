package dev.capstan.agent.config;

import java.util.List;
import java.util.Optional;

/**
 * A difference drift leaves alone, as Argo CD's {@code ignoreDifferences} or Flux's field-ignore rules: in the units
 * and objects it selects (each selector optional), the listed fields (in the paths drift reports print, like
 * {@code spec.replicas} or {@code spec.template.spec.containers[name=api].image}; a field covers what is below it) are
 * neither reported nor healed. A rollout still applies them.
 */
public record IgnoreRule(Optional<String> chart, Optional<String> env, Optional<String> kind, Optional<String> name,
                         List<String> fields) {
    public IgnoreRule {
        fields = List.copyOf(fields);
    }

    /** Whether the rule selects object {@code kind}/{@code name} of unit {@code chart}/{@code env}. */
    public boolean selects(String unitChart, String unitEnv, String objectKind, String objectName) {
        return chart.map(unitChart::equals).orElse(true) && env.map(unitEnv::equals).orElse(true)
                && kind.map(objectKind::equals).orElse(true) && name.map(objectName::equals).orElse(true);
    }

    /** Whether {@code path} is one of the fields, or below one. */
    public boolean covers(String path) {
        return fields.stream().anyMatch(field -> path.equals(field) || path.startsWith(field + ".")
                || path.startsWith(field + "["));
    }
}
