package dev.capstan.agent.model;

/**
 * What Capstan writes on every object it applies, whatever rendered it: the labels that say which unit owns it
 * (drift, prune and ownership read them) and the server-side apply field manager.
 */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String CHART = "capstan.dev/chart";
    public static final String ENV = "capstan.dev/env";
    /** The value of {@link #MANAGED_BY}, and the field manager of every apply. */
    public static final String MANAGER = "capstan";

    private Labels() {
    }
}
