package dev.capstan.agent.cluster;

import dev.capstan.agent.chart.ObjectKey;
import java.util.Optional;

/**
 * The agent's own objects, which no chart may write: in the namespace where the agent keeps its records, the
 * release and incident Secrets (named {@code capstan.*}) and Leases (leader election). A chart that rendered one
 * could forge release history or take the agent's Lease. Pure.
 */
public record ReservedObjects(String recordsNamespace) {
    private static final String PREFIX = "capstan.";

    /** Nothing reserved: a cluster where the agent keeps no records. */
    public static ReservedObjects none() {
        return new ReservedObjects("");
    }

    /** Why {@code key} may not be applied by a unit; empty when it may. */
    public Optional<String> reason(ObjectKey key) {
        if (recordsNamespace.isEmpty() || !recordsNamespace.equals(key.namespace())) {
            return Optional.empty();
        }
        if (key.name().startsWith(PREFIX) || "Lease".equals(key.kind())) {
            return Optional.of("reserved: objects named " + PREFIX + "* and Leases in namespace " + recordsNamespace
                    + " are the agent's own release records and leader Lease; a chart may not write them. "
                    + "Nothing was applied");
        }
        return Optional.empty();
    }
}
