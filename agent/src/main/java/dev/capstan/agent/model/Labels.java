package dev.capstan.agent.model;

/**
 * What Capstan writes on every object it applies, whatever rendered it: the labels that say which unit owns it
 * (drift, prune and ownership read them) and the server-side apply field manager.
 */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String CHART = "capstan.dev/chart";
    public static final String ENV = "capstan.dev/env";
    /**
     * On a Helm hook instead of {@link #CHART}/{@link #ENV} ({@code chart/env}): whose hook it is. A hook is not one
     * of the unit's objects (no drift, no prune), but it is the unit's to replace, and no other unit's.
     */
    public static final String HOOK_OF = "capstan.dev/hook-of";
    /** Helm's own mark of a hook, kept on what {@code helm install} left behind. */
    public static final String HELM_HOOK = "helm.sh/hook";
    /** The value of {@link #MANAGED_BY}, and the field manager of every apply. */
    public static final String MANAGER = "capstan";

    private Labels() {
    }
}
