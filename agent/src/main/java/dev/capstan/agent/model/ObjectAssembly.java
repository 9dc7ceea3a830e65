package dev.capstan.agent.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From parsed YAML documents to a unit's {@link DesiredState}, the same for every engine: each document must be an
 * object with apiVersion, kind and metadata.name; namespaced objects without a namespace get the environment's;
 * every object gets the unit's labels; the set is sorted in install order and digested over canonical JSON, so the
 * same input gives the same bytes and digest. Pure.
 */
public final class ObjectAssembly {
    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * The most objects one unit may render (hooks and crds/ included): each is held parsed, so a chart rendering tens
     * of thousands of small objects must fail its unit, not the agent's heap.
     */
    public static final int MAX_OBJECTS = 10_000;

    private ObjectAssembly() {
    }

    /** Throws the unit's error once {@code count} objects are more than one unit may render. */
    public static void checkCount(String unit, int count) {
        if (count > MAX_OBJECTS) {
            throw new ChartException(unit, "", 0, "renders more than " + MAX_OBJECTS + " objects; split it into "
                    + "several charts");
        }
    }

    /** The objects in install order (then namespace/name), with their digest. */
    public static DesiredState desiredState(String chartName, String env, String commit, List<RenderedObject> objects) {
        return desiredState(chartName, env, commit, List.of(), objects);
    }

    /** As {@link #desiredState(String, String, String, List)}, with {@code first} ahead of all, in their order. */
    public static DesiredState desiredState(String chartName, String env, String commit, List<RenderedObject> first,
                                            List<RenderedObject> objects) {
        List<RenderedObject> sorted = new ArrayList<>(objects);
        sorted.sort((a, b) -> KindOrder.INSTALL.compare(a.key(), b.key()));
        sorted.addAll(0, first);
        return new DesiredState(chartName, env, commit, sorted, digest(sorted));
    }

    @SuppressWarnings("unchecked")
    public static RenderedObject toObject(String unit, String template, Object document, String chartName,
                                          String env, String defaultNamespace) {
        if (!(document instanceof Map<?, ?> map)) {
            throw new ChartException(unit, template, 0, "rendered a document that is not a YAML mapping");
        }
        Map<String, Object> content = new LinkedHashMap<>((Map<String, Object>) map);
        String apiVersion = requiredString(content.get("apiVersion"), unit, template, "apiVersion");
        String kind = requiredString(content.get("kind"), unit, template, "kind");
        if (!(content.get("metadata") instanceof Map<?, ?>)) {
            throw new ChartException(unit, template, 0, kind + " without metadata");
        }
        Map<String, Object> metadata = (Map<String, Object>) content.get("metadata");
        String name = requiredString(metadata.get("name"), unit, template, kind + " metadata.name");

        String namespace = metadata.get("namespace") == null ? "" : metadata.get("namespace").toString();
        if (KindOrder.isClusterScoped(kind)) {
            namespace = "";
        } else if (namespace.isEmpty()) {
            namespace = defaultNamespace;
        }
        Object existing = metadata.get("labels");
        Map<String, Object> labels = existing instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        labels.put(Labels.MANAGED_BY, Labels.MANAGER);
        labels.put(Labels.CHART, chartName);
        labels.put(Labels.ENV, env);
        // name and namespace first, as kubectl prints them; the rest keeps the template's order.
        Map<String, Object> normalized = new LinkedHashMap<>();
        normalized.put("name", name);
        if (!namespace.isEmpty()) {
            normalized.put("namespace", namespace);
        }
        metadata.forEach((key, value) -> {
            if (!key.equals("name") && !key.equals("namespace")) {
                normalized.put(key, value);
            }
        });
        normalized.put("labels", labels);
        content.put("metadata", normalized);
        return new RenderedObject(new ObjectKey(apiVersion, kind, namespace, name), template, content);
    }

    private static String requiredString(Object value, String unit, String template, String field) {
        if (value == null || value.toString().isBlank()) {
            throw new ChartException(unit, template, 0, "rendered an object without " + field);
        }
        return value.toString();
    }

    /**
     * {@code state} with {@code key: value} among the labels of every object and hook (the install's name, which only
     * the agent knows), digested again.
     */
    public static DesiredState withLabel(DesiredState state, String key, String value) {
        java.util.function.UnaryOperator<RenderedObject> label = object -> editMetadata(object, "labels",
                labels -> labels.put(key, value));
        List<RenderedObject> objects = state.objects().stream().map(label).toList();
        List<Hook> hooks = state.hooks().stream().map(h -> h.withObject(label.apply(h.object()))).toList();
        return new DesiredState(state.chart(), state.env(), state.commit(), objects, digest(objects), hooks);
    }

    /**
     * {@code object} with its {@code metadata.<field>} map ({@code labels}, {@code annotations}) changed by
     * {@code edit} on a copy (an empty one if it had none); the rendered object itself is never changed.
     */
    @SuppressWarnings("unchecked")
    public static RenderedObject editMetadata(RenderedObject object, String field,
                                              java.util.function.Consumer<Map<String, Object>> edit) {
        Map<String, Object> content = new LinkedHashMap<>(object.content());
        Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) content.get("metadata"));
        Map<String, Object> map = metadata.get(field) instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        edit.accept(map);
        metadata.put(field, map);
        content.put("metadata", metadata);
        return new RenderedObject(object.key(), object.sourceTemplate(), content);
    }

    /** SHA-256 of the objects' canonical JSON: deterministic, since maps keep the rendered order. */
    static String digest(List<RenderedObject> objects) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (RenderedObject object : objects) {
                digest.update(CANONICAL_JSON.writeValueAsBytes(object.content()));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("rendered YAML data is always JSON-serialisable", e);
        }
    }

}
