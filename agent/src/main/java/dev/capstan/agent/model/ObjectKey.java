package dev.capstan.agent.model;

/** Identity of a Kubernetes object: group/kind/namespace/name. Namespace is empty for cluster-scoped objects. */
public record ObjectKey(String apiVersion, String kind, String namespace, String name) {

    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    @Override
    public String toString() {
        String ns = namespace.isEmpty() ? "" : namespace + "/";
        return kind + " " + ns + name;
    }
}
