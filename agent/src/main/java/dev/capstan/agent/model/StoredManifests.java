package dev.capstan.agent.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The objects of a release's stored manifests (what {@code DesiredState.manifest()} wrote), in install order. Pure. */
public final class StoredManifests {
    private StoredManifests() {
    }

    @SuppressWarnings("unchecked")
    public static List<RenderedObject> parse(String chart, String manifests) {
        List<RenderedObject> objects = new ArrayList<>();
        for (Object document : Yaml.readDocuments(manifests, chart, "release manifests")) {
            if (!(document instanceof Map<?, ?> map) || !(map.get("metadata") instanceof Map<?, ?> metadata)) {
                continue;
            }
            Object namespace = metadata.get("namespace");
            ObjectKey key = new ObjectKey(String.valueOf(map.get("apiVersion")), String.valueOf(map.get("kind")),
                    namespace == null ? "" : namespace.toString(), String.valueOf(metadata.get("name")));
            objects.add(new RenderedObject(key, "release", (Map<String, Object>) map));
        }
        objects.sort((a, b) -> KindOrder.INSTALL.compare(a.key(), b.key()));
        return objects;
    }
}
