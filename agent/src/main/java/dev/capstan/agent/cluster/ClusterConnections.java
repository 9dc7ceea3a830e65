package dev.capstan.agent.cluster;

import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The clusters environments deploy to, by the name {@code capstan.yaml} gives them ({@code cluster:}):
 * {@value #DEFAULT} is the agent's own.
 */
public interface ClusterConnections extends AutoCloseable {
    String DEFAULT = "default";

    /** Connects the clusters with the writers' gate and fence the caller says (the agent's configured clients). */
    @FunctionalInterface
    interface Factory {
        ClusterConnections connect(Function<String, WritePolicy> policies, ClusterConnection.Settings settings);
    }

    /** The named cluster; a name the agent config does not know is a configuration error of that environment. */
    ClusterConnection of(String name);

    Set<String> names();

    /** Told of every change to a unit's live object in any cluster, with the unit's chart and environment. */
    void onLiveChange(BiConsumer<String, String> listener);

    /** Stops every cluster's watches and the clients it made (the caller owns its own). */
    @Override
    void close();
}
