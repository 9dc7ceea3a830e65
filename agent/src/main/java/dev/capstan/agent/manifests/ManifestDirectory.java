package dev.capstan.agent.manifests;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectAssembly;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A directory of plain YAML as a unit, no templates (what Argo CD calls a directory app and Flux deploys without a
 * kustomization). Layout, under {@code apps/<app>/}:
 * <ul>
 *   <li>{@code *.yaml}, {@code *.yml}: the base, for every environment (multi-document files and {@code kind: List}
 *   are fine);</li>
 *   <li>{@code <env>/*.yaml}: that environment only. An object with the same apiVersion, kind, namespace and name as
 *   a base object is merged onto it as a JSON merge patch (RFC 7386, {@code kubectl patch --type merge}: maps
 *   merge, lists and scalars replace, {@code null} deletes); any other object is added.</li>
 * </ul>
 * Files are read in name order; other files ({@code README.md}) and other directories are ignored. The objects get
 * the environment's namespace when they have none and the unit's labels, like a chart's. Pure.
 */
public final class ManifestDirectory {
    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final int MAX_OBJECTS = ObjectAssembly.MAX_OBJECTS;

    private ManifestDirectory() {
    }

    /** The unit {@code app} in {@code env}; {@code files} are keyed by path relative to the app's directory. */
    public static DesiredState render(String app, Map<String, byte[]> files, String env, String namespace,
                                      String commit) {
        String unit = app + "/" + env;
        long size = files.values().stream().mapToLong(b -> b.length).sum();
        if (size > MAX_BYTES) {
            throw new ChartException(unit, "", 0, "the manifest directory holds more than " + MAX_BYTES / 1024 / 1024
                    + " MiB");
        }
        ChartFiles text = ChartFiles.of(app, files);
        Map<String, byte[]> sorted = new TreeMap<>(files);
        Map<ObjectKey, Sourced> objects = new LinkedHashMap<>();
        for (String file : sorted.keySet()) {
            if (isYaml(file) && !file.contains("/")) {
                if (file.equals("kustomization.yaml") || file.equals("kustomization.yml")) {
                    throw new ChartException(unit, file, 0, "Capstan deploys the directory's manifests as they "
                            + "are and does not run kustomize: render the kustomization in CI, or remove it");
                }
                for (Object document : documents(text, unit, file)) {
                    add(objects, unit, file, document, app, env, namespace);
                }
            }
        }
        String prefix = env + "/";
        for (String file : sorted.keySet()) {
            if (isYaml(file) && file.startsWith(prefix) && file.indexOf('/', prefix.length()) < 0) {
                Map<ObjectKey, Sourced> own = new LinkedHashMap<>();
                for (Object document : documents(text, unit, file)) {
                    add(own, unit, file, document, app, env, namespace);
                }
                own.forEach((key, overlay) -> {
                    Sourced base = objects.get(key);
                    if (base == null) {
                        objects.put(key, overlay);
                    } else {
                        Object merged = MergePatch.apply(base.document(), overlay.document());
                        String source = base.file() + " + " + overlay.file();
                        objects.put(key, new Sourced(source, merged, ObjectAssembly.toObject(unit, source, merged,
                                app, env, namespace)));
                    }
                });
            }
        }
        if (objects.isEmpty()) {
            throw new ChartException(unit, "", 0, "no manifests: put *.yaml files in apps/" + app + "/ (every "
                    + "environment) or apps/" + app + "/" + env + "/ (this one)");
        }
        if (objects.size() > MAX_OBJECTS) {
            throw new ChartException(unit, "", 0, "more than " + MAX_OBJECTS + " objects");
        }
        List<RenderedObject> rendered = new ArrayList<>();
        objects.values().forEach(s -> rendered.add(s.object()));
        return ObjectAssembly.desiredState(app, env, commit, rendered);
    }

    private record Sourced(String file, Object document, RenderedObject object) {
    }

    private static void add(Map<ObjectKey, Sourced> objects, String unit, String file, Object document, String app,
                            String env, String namespace) {
        RenderedObject object = ObjectAssembly.toObject(unit, file, document, app, env, namespace);
        Sourced previous = objects.putIfAbsent(object.key(), new Sourced(file, document, object));
        if (previous != null) {
            throw new ChartException(unit, file, 0, "duplicate object " + object.key() + " (also in "
                    + previous.file() + ")");
        }
    }

    /** The file's documents, with {@code kind: List} unpacked into its items. */
    private static List<Object> documents(ChartFiles files, String unit, String file) {
        String content = files.text(file).orElseThrow();
        List<Object> documents = new ArrayList<>();
        for (Object document : Yaml.readDocuments(content, unit, file)) {
            if (document instanceof Map<?, ?> map && "List".equals(map.get("kind"))
                    && map.get("items") instanceof List<?> items) {
                documents.addAll(items);
            } else {
                documents.add(document);
            }
        }
        return documents;
    }

    private static boolean isYaml(String file) {
        return file.endsWith(".yaml") || file.endsWith(".yml");
    }
}
