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
    /**
     * The install that applied the object (the agent config's {@code releases.install}): two installs in one cluster
     * (a unit of the same name in each) never take each other's objects for their own. An object without it was
     * applied before installs had names and counts as any install's.
     */
    public static final String INSTALL = "capstan.dev/install";
    /**
     * On the copies a rollout makes beside a unit's objects (a canary, a blue-green green copy): which track it is.
     * Such objects are the rollout's: never drift, never pruned as the unit's, never another unit's.
     */
    public static final String TRACK = "capstan.dev/track";
    /** The value of {@link #MANAGED_BY}, and the field manager of every apply. */
    public static final String MANAGER = "capstan";

    private Labels() {
    }

    /** Whether an object labelled {@code labels} may be install {@code install}'s (its own, or of no named install). */
    public static boolean ofInstall(java.util.Map<String, ?> labels, String install) {
        Object its = labels == null ? null : labels.get(INSTALL);
        return its == null || install.isEmpty() || its.equals(install);
    }
}
