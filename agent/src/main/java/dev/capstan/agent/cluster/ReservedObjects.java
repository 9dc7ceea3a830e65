package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import java.util.Optional;

/**
 * The agent's own objects, which no chart may write. The namespace where the agent keeps its records also holds
 * its credentials (git, API tokens, webhook secrets), its config and its Lease: a chart that wrote there could
 * take over the agent's API or forge release history. So no unit applies anything in it, unless the agent config
 * says that namespace is shared on purpose ({@code releases.unitsMayDeployHere}); even then the records (Secrets
 * named {@code capstan.*}) and Leases stay reserved. Pure.
 */
public record ReservedObjects(String recordsNamespace, boolean unitsMayDeployHere) {
    private static final String PREFIX = "capstan.";

    /** Nothing reserved: a cluster where the agent keeps no records. */
    public static ReservedObjects none() {
        return new ReservedObjects("", true);
    }

    /** Why {@code key} may not be applied by a unit; empty when it may. */
    public Optional<String> reason(ObjectKey key) {
        if (recordsNamespace.isEmpty() || !recordsNamespace.equals(key.namespace())) {
            return Optional.empty();
        }
        if (!unitsMayDeployHere) {
            return Optional.of("reserved: namespace " + recordsNamespace + " is the agent's own (its credentials, "
                    + "API tokens, records and Lease); units may not apply objects there unless the agent config "
                    + "sets releases.unitsMayDeployHere. Nothing was applied");
        }
        if (key.name().startsWith(PREFIX) || "Lease".equals(key.kind())) {
            return Optional.of("reserved: objects named " + PREFIX + "* and Leases in namespace " + recordsNamespace
                    + " are the agent's own release records and leader Lease; a chart may not write them. "
                    + "Nothing was applied");
        }
        return Optional.empty();
    }
}
