package dev.capstan.agent.model;

import java.util.List;

/**
 * Everything one unit (chart x environment) should look like at one commit: the objects in install order and the
 * SHA-256 digest of their canonical JSON. Same commit in, same objects and digest out. The YAML manifest is made
 * on demand ({@link #manifest()}): the reconcile path needs only objects and digest.
 */
public record DesiredState(String chart, String env, String commit, List<RenderedObject> objects, String digest,
                           List<Hook> hooks) {

    public DesiredState {
        objects = List.copyOf(objects);
        hooks = List.copyOf(hooks);
    }

    /** A desired state without hooks (every engine but Helm's). */
    public DesiredState(String chart, String env, String commit, List<RenderedObject> objects, String digest) {
        this(chart, env, commit, objects, digest, List.of());
    }

    /** The same objects with {@code hooks} to run around their rollout. */
    public DesiredState withHooks(List<Hook> hooks) {
        return new DesiredState(chart, env, commit, objects, digest, hooks);
    }

    /** Multi-document YAML, each document headed by {@code # Source: chart/templates/file.yaml}, like helm. */
    public String manifest() {
        StringBuilder out = new StringBuilder();
        for (RenderedObject object : objects) {
            out.append("---\n# Source: ").append(chart).append('/').append(object.sourceTemplate()).append('\n')
                    .append(Yaml.write(object.content()));
        }
        return out.toString();
    }

    /**
     * {@link #manifest()} and then the hooks, as {@code helm template} prints them, each marked with when Capstan runs
     * it (or that it never does): what {@code capstan render} shows.
     */
    public String manifestWithHooks() {
        StringBuilder out = new StringBuilder(manifest());
        for (Hook hook : hooks) {
            String when = hook.runs() ? "runs at " + String.join(",", hook.events().stream().sorted()
                    .map(Hook.Event::helmName).toList()) + ", weight " + hook.weight() : "never run by Capstan";
            out.append("---\n# Source: ").append(chart).append('/').append(hook.object().sourceTemplate())
                    .append("\n# Hook: ").append(when).append('\n').append(Yaml.write(hook.object().content()));
        }
        return out.toString();
    }
}
