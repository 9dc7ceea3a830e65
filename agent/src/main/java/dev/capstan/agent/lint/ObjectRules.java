package dev.capstan.agent.lint;

import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.RenderedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Rules over a unit's rendered objects: images, requests, probes, Secrets with data, PDBs that block evictions. */
final class ObjectRules {
    private static final Set<String> LONG_RUNNING = Set.of("Deployment", "StatefulSet", "DaemonSet");
    private static final Set<String> TEMPLATED = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");

    private ObjectRules() {
    }

    static List<Finding> check(String unit, DesiredState state) {
        return check(unit, state, state);
    }

    /** Whether a Secret of {@code state} holds data (then a second render tells generated values from git's). */
    static boolean holdsSecretData(DesiredState state) {
        return state.objects().stream().anyMatch(o -> o.key().kind().equals("Secret")
                && (hasEntries(o.content().get("data")) || hasEntries(o.content().get("stringData"))));
    }

    /**
     * The rules on {@code state}; {@code again} is a second render of the same input: a Secret's value that differs
     * between the two was generated at render time ({@code randAlphaNum}), not written into git.
     */
    static List<Finding> check(String unit, DesiredState state, DesiredState again) {
        List<Finding> findings = new ArrayList<>();
        for (RenderedObject object : state.objects()) {
            String kind = object.key().kind();
            if (kind.equals("Secret")) {
                List<String> literal = literalSecretEntries(object, again);
                if (!literal.isEmpty()) {
                    findings.add(error(unit, object, "Secret " + object.key().name() + " holds literal data in git ("
                            + String.join(", ", literal) + "); reference an existing Secret by name instead"));
                }
            }
            Map<String, Object> podSpec = podSpec(object);
            if (podSpec != null) {
                containers(podSpec, "initContainers").forEach(c -> checkContainer(unit, object, c, false,
                        findings));
                containers(podSpec, "containers").forEach(c -> checkContainer(unit, object, c,
                        LONG_RUNNING.contains(kind), findings));
            }
            if (kind.equals("PodDisruptionBudget")) {
                checkDisruptionBudget(unit, object, state, findings);
            }
        }
        return findings;
    }

    private static void checkContainer(String unit, RenderedObject object, Map<String, Object> container,
                                       boolean longRunning, List<Finding> findings) {
        String name = object.key().kind() + " " + object.key().name() + " container " + container.get("name");
        String image = Objects.toString(container.get("image"), "");
        String tag = tagOf(image);
        if (tag == null) {
            findings.add(warning(unit, object, name + ": image '" + image + "' has no tag; pin a version"));
        } else if (tag.equals("latest")) {
            findings.add(warning(unit, object, name + ": image '" + image + "' uses :latest; pin a version"));
        }
        Map<String, Object> resources = map(container.get("resources"));
        if (resources == null || !hasEntries(resources.get("requests"))) {
            findings.add(warning(unit, object, name + " has no resource requests"));
        }
        if (longRunning && container.get("readinessProbe") == null) {
            findings.add(warning(unit, object, name + " has no readinessProbe"));
        }
    }

    /** The tag of an image reference; null when it has none (a digest counts as pinned). */
    static String tagOf(String image) {
        if (image.contains("@")) {
            return image.substring(image.indexOf('@') + 1);
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(colon + 1) : null;
    }

    private static void checkDisruptionBudget(String unit, RenderedObject pdb, DesiredState state,
                                              List<Finding> findings) {
        Map<String, Object> spec = map(pdb.content().get("spec"));
        if (spec == null) {
            return;
        }
        String name = "PodDisruptionBudget " + pdb.key().name();
        Object maxUnavailable = spec.get("maxUnavailable");
        if (maxUnavailable != null && (maxUnavailable.equals(0) || "0%".equals(maxUnavailable))) {
            findings.add(error(unit, pdb, name + " can never allow an eviction: maxUnavailable is "
                    + maxUnavailable));
            return;
        }
        Object minAvailable = spec.get("minAvailable");
        if ("100%".equals(minAvailable)) {
            findings.add(error(unit, pdb, name + " can never allow an eviction: minAvailable is 100%"));
            return;
        }
        if (!(minAvailable instanceof Integer min)) {
            return;
        }
        Map<String, Object> selector = map(spec.get("selector"));
        Map<String, Object> matchLabels = selector == null ? null : map(selector.get("matchLabels"));
        if (matchLabels == null) {
            return;
        }
        for (RenderedObject workload : state.objects()) {
            if (!TEMPLATED.contains(workload.key().kind()) || !selects(matchLabels, workload)) {
                continue;
            }
            int replicas = replicas(workload, state);
            if (min >= replicas) {
                findings.add(error(unit, pdb, name + " can never allow an eviction: minAvailable " + min
                        + " with " + replicas + " replica(s) of " + workload.key().kind() + " "
                        + workload.key().name()));
            }
        }
    }

    private static boolean selects(Map<String, Object> matchLabels, RenderedObject workload) {
        Map<String, Object> spec = map(workload.content().get("spec"));
        Map<String, Object> template = spec == null ? null : map(spec.get("template"));
        Map<String, Object> metadata = template == null ? null : map(template.get("metadata"));
        Map<String, Object> labels = metadata == null ? null : map(metadata.get("labels"));
        return labels != null && labels.entrySet().containsAll(matchLabels.entrySet());
    }

    /** Declared replicas; with an HPA and none declared, its minReplicas; else Kubernetes' default of 1. */
    private static int replicas(RenderedObject workload, DesiredState state) {
        Map<String, Object> spec = map(workload.content().get("spec"));
        if (spec != null && spec.get("replicas") instanceof Integer declared) {
            return declared;
        }
        for (RenderedObject hpa : state.objects()) {
            if (!hpa.key().kind().equals("HorizontalPodAutoscaler")) {
                continue;
            }
            Map<String, Object> hpaSpec = map(hpa.content().get("spec"));
            Map<String, Object> target = hpaSpec == null ? null : map(hpaSpec.get("scaleTargetRef"));
            if (target != null && workload.key().kind().equals(target.get("kind"))
                    && workload.key().name().equals(target.get("name"))) {
                return hpaSpec.get("minReplicas") instanceof Integer min ? min : 1;
            }
        }
        return 1;
    }

    private static Map<String, Object> podSpec(RenderedObject object) {
        Map<String, Object> spec = map(object.content().get("spec"));
        if (spec == null) {
            return null;
        }
        return switch (object.key().kind()) {
            case "Pod" -> spec;
            case "CronJob" -> {
                Map<String, Object> jobTemplate = map(spec.get("jobTemplate"));
                Map<String, Object> jobSpec = jobTemplate == null ? null : map(jobTemplate.get("spec"));
                Map<String, Object> template = jobSpec == null ? null : map(jobSpec.get("template"));
                yield template == null ? null : map(template.get("spec"));
            }
            default -> {
                if (!TEMPLATED.contains(object.key().kind())) {
                    yield null;
                }
                Map<String, Object> template = map(spec.get("template"));
                yield template == null ? null : map(template.get("spec"));
            }
        };
    }

    /**
     * The entries of a Secret whose key names a secret and whose value is the same in a second render: written in
     * git (or in values), not generated at render time. Empty values are nothing.
     */
    private static List<String> literalSecretEntries(RenderedObject secret, DesiredState again) {
        RenderedObject twin = again.objects().stream().filter(o -> o.key().equals(secret.key())).findFirst()
                .orElse(secret);
        List<String> literal = new ArrayList<>();
        for (String field : List.of("data", "stringData")) {
            Map<String, Object> entries = map(secret.content().get(field));
            Map<String, Object> twinEntries = map(twin.content().get(field));
            if (entries == null) {
                continue;
            }
            entries.forEach((key, value) -> {
                boolean empty = value == null || value.toString().isEmpty();
                boolean generated = twinEntries == null || !Objects.equals(value, twinEntries.get(key));
                if (!empty && !generated && LiteralSecrets.namesASecret(key)) {
                    literal.add(key);
                }
            });
        }
        return literal.stream().sorted().toList();
    }

    /** The containers of a pod spec's {@code field}: {@code containers} or {@code initContainers}. */
    private static List<Map<String, Object>> containers(Map<String, Object> podSpec, String field) {
        List<Map<String, Object>> result = new ArrayList<>();
        if (podSpec.get(field) instanceof List<?> list) {
            list.stream().map(ObjectRules::map).filter(Objects::nonNull).forEach(result::add);
        }
        return result;
    }

    private static boolean hasEntries(Object value) {
        return value instanceof Map<?, ?> m && !m.isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static Finding error(String unit, RenderedObject object, String message) {
        return new Finding(Finding.Severity.ERROR, unit, object.sourceTemplate(), 0, message);
    }

    private static Finding warning(String unit, RenderedObject object, String message) {
        return new Finding(Finding.Severity.WARNING, unit, object.sourceTemplate(), 0, message);
    }
}
