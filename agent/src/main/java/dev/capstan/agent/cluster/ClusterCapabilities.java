package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Capabilities;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads what the API server serves (discovery), for templates' {@code capabilities}. Blocking. */
public final class ClusterCapabilities {
    private ClusterCapabilities() {
    }

    public static Capabilities discover(KubernetesClient client) {
        Set<String> versions = new HashSet<>();
        addResources(versions, "v1", client.getApiResources("v1"));
        for (APIGroup group : client.getApiGroups().getGroups()) {
            for (GroupVersionForDiscovery version : group.getVersions()) {
                addResources(versions, version.getGroupVersion(), client.getApiResources(version.getGroupVersion()));
            }
        }
        return new Capabilities(client.getKubernetesVersion().getGitVersion(), new Capabilities.ApiVersions(versions));
    }

    private static void addResources(Set<String> versions, String groupVersion, APIResourceList list) {
        versions.add(groupVersion);
        List<APIResource> resources = list == null ? List.of() : list.getResources();
        for (APIResource resource : resources) {
            if (!resource.getName().contains("/")) {
                versions.add(groupVersion + "/" + resource.getKind());
            }
        }
    }
}
