package dev.capstan.agent.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills in defaults the API server adds anyway, so that what is applied and what is compared with the live object
 * for drift are alike: {@code ports} get {@code protocol: TCP} (part of that list-map's key on the server; Flux's SSA
 * manager does the same), and a Secret's {@code stringData} is sent as the {@code data} it becomes. (Kubernetes
 * before 1.21 also refused an apply without the protocol; the supported releases accept it.) Pure: returns a
 * modified copy.
 */
public final class NativeDefaults {
    private static final List<String> POD_TEMPLATE_KINDS = List.of(
            "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");

    private NativeDefaults() {
    }

    public static Map<String, Object> apply(String kind, Map<String, Object> object) {
        Map<String, Object> copy = deepCopy(object);
        if ("Secret".equals(kind)) {
            stringDataIntoData(copy);
        }
        Map<String, Object> spec = map(copy.get("spec"));
        if (spec == null) {
            return copy;
        }
        switch (kind) {
            case "Service" -> defaultProtocols(spec.get("ports"));
            case "Pod" -> defaultPodSpec(spec);
            case "CronJob" -> {
                Map<String, Object> jobTemplate = map(spec.get("jobTemplate"));
                Map<String, Object> jobSpec = jobTemplate == null ? null : map(jobTemplate.get("spec"));
                defaultTemplate(jobSpec);
            }
            default -> {
                if (POD_TEMPLATE_KINDS.contains(kind)) {
                    defaultTemplate(spec);
                }
            }
        }
        return copy;
    }

    /**
     * {@code stringData} is write-only: the server turns it into {@code data} and keeps no trace of it, so a later
     * change of that value in {@code data} would never show as drift. Sending what it becomes ({@code data},
     * base64; stringData wins over data for the same key, as on the server) makes Capstan own and compare it.
     */
    private static void stringDataIntoData(Map<String, Object> secret) {
        Map<String, Object> stringData = map(secret.remove("stringData"));
        if (stringData == null || stringData.isEmpty()) {
            return;
        }
        Map<String, Object> data = map(secret.get("data"));
        Map<String, Object> merged = data == null ? new LinkedHashMap<>() : data;
        stringData.forEach((key, value) -> merged.put(key, value == null ? null : java.util.Base64.getEncoder()
                .encodeToString(String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        secret.put("data", merged);
    }

    private static void defaultTemplate(Map<String, Object> spec) {
        Map<String, Object> template = spec == null ? null : map(spec.get("template"));
        Map<String, Object> podSpec = template == null ? null : map(template.get("spec"));
        if (podSpec != null) {
            defaultPodSpec(podSpec);
        }
    }

    private static void defaultPodSpec(Map<String, Object> podSpec) {
        for (String field : List.of("containers", "initContainers")) {
            if (podSpec.get(field) instanceof List<?> containers) {
                for (Object container : containers) {
                    Map<String, Object> c = map(container);
                    if (c != null) {
                        defaultProtocols(c.get("ports"));
                    }
                }
            }
        }
    }

    private static void defaultProtocols(Object ports) {
        if (ports instanceof List<?> list) {
            for (Object port : list) {
                Map<String, Object> p = map(port);
                if (p != null) {
                    p.putIfAbsent("protocol", "TCP");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }
}
