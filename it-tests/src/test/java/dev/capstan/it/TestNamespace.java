package dev.capstan.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The namespace a test owns (created before it, deleted after it), plus any extra ones it asks for with
 * {@link #another(String)}: one test's objects never meet another's.
 */
public final class TestNamespace {
    static final String LABEL = "capstan.dev/it";

    private final String name;
    private final KubernetesClient client;
    private final List<String> owned = new CopyOnWriteArrayList<>();

    TestNamespace(String name, KubernetesClient client) {
        this.name = name;
        this.client = client;
        create(name);
    }

    public String name() {
        return name;
    }

    /** Creates and owns {@code <name>-<suffix>}; deleted with the test's own namespace. */
    public String another(String suffix) {
        String extra = name + "-" + suffix;
        create(extra);
        return extra;
    }

    List<String> owned() {
        return List.copyOf(owned);
    }

    private void create(String namespace) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels(LABEL, "true").endMetadata().build()).create();
        owned.add(namespace);
    }
}
