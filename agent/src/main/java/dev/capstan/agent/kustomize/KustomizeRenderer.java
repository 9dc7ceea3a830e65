package dev.capstan.agent.kustomize;

import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectAssembly;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import dev.capstan.agent.repo.RepoTree;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Kustomize unit's desired state: its environment's kustomization ({@link Kustomizations}) built by kustomize's
 * own engine in the commit's checkout, then assembled like any unit's objects (the environment's namespace where
 * kustomize set none, the unit's labels, install order). Errors name the unit and the kustomization file. Closing it
 * deletes the checkouts. Thread-safe.
 */
public final class KustomizeRenderer implements AutoCloseable {
    private static final Pattern SEPARATOR = Pattern.compile("(?m)^---$");

    private final KustomizeProcess engine;
    private final RepoCheckouts checkouts = new RepoCheckouts();
    /** By unit: what its last build touched (paths in the repository); see {@link #touched(String)}. */
    private final java.util.Map<String, List<String>> touched = new java.util.concurrent.ConcurrentHashMap<>();

    public KustomizeRenderer(KustomizeProcess engine) {
        this.engine = engine;
    }

    /** Builds app {@code app} (its directory {@code appDir}) for environment {@code env}. */
    public DesiredState render(RepoTree tree, String app, String appDir, String env, String namespace,
                               String commit) {
        String unit = app + "/" + env;
        String file = Kustomizations.forEnvironment(tree, appDir, env)
                .orElseThrow(() -> new ChartException(unit, appDir, 0, Kustomizations.missing(appDir, env)));
        String dir = file.substring(0, file.lastIndexOf('/'));
        String yaml;
        try (RepoCheckouts.Lease checkout = checkouts.lease(tree)) {
            KustomizeProcess.Build build = engine.run(checkout.root(), dir);
            remember(unit, build.touched());
            yaml = build.yaml();
        } catch (KustomizeException e) {
            remember(unit, e.touched());
            throw new ChartException(unit, file, 0, e.getMessage());
        }
        // Counted before parsing: 50,000 generated objects must fail the unit, not fill the heap.
        ObjectAssembly.checkCount(unit, (int) Math.min(Integer.MAX_VALUE, SEPARATOR.matcher(yaml).results()
                .count() + 1));
        List<RenderedObject> objects = new ArrayList<>();
        for (Object document : Yaml.readDocuments(yaml, unit, file)) {
            if (document != null) {
                objects.add(ObjectAssembly.toObject(unit, file, document, app, env, namespace));
            }
        }
        if (objects.isEmpty()) {
            throw new ChartException(unit, file, 0, "the kustomization builds no objects");
        }
        return ObjectAssembly.desiredState(app, env, commit, objects);
    }

    /**
     * The paths in the repository the unit's last build read, listed or probed (its kustomizations, bases, patches,
     * generator files, and the names kustomize looked for): a commit that changes none of them builds the same.
     * Empty until it was built once (then anything may matter).
     */
    public java.util.Optional<List<String>> touched(String unit) {
        return java.util.Optional.ofNullable(touched.get(unit));
    }

    private void remember(String unit, List<String> paths) {
        if (paths.isEmpty()) {
            touched.remove(unit);
        } else {
            touched.put(unit, List.copyOf(paths));
        }
    }

    @Override
    public void close() {
        checkouts.close();
    }
}
