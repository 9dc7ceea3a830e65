package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Release records as Secrets in the real apiserver: numbering, superseding, history limit, exact manifests. */
@KubernetesCluster
class ReleaseStoreIT {

    @Test
    void revisionsAreNumberedSupersededAndTrimmedToTheHistoryLimit(KubernetesClient client, TestNamespace ns) {
        ReleaseStore store = new ReleaseStore(client, ns.name(), 3, Clock.systemUTC());

        for (int i = 1; i <= 4; i++) {
            store.record("api", "staging", "commit" + i, "1.0." + i, "2.0", Release.Status.DEPLOYED, "d" + i,
                    "kind: ConfigMap # " + i + "\n", "");
        }
        store.record("api", "staging", "commit5", "1.0.5", "2.0", Release.Status.FAILED, "d5", "bad\n",
                "Service api: port out of range");

        List<Release> history = store.history("api", "staging");
        assertThat(history).extracting(Release::revision).containsExactly(3, 4, 5);
        assertThat(history).extracting(r -> r.status().label()).containsExactly("superseded", "deployed", "failed");
        assertThat(history.get(2).message()).isEqualTo("Service api: port out of range");
        assertThat(store.manifests("api", "staging", 4)).contains("kind: ConfigMap # 4\n");
        assertThat(store.manifests("api", "staging", 1)).isEmpty();
    }

    @Test
    void unitsAreKeptApartAndRecordsAreNotPartOfAnyUnitsDesiredState(KubernetesClient client, TestNamespace ns) {
        ReleaseStore store = new ReleaseStore(client, ns.name(), 10, Clock.systemUTC());

        store.record("api", "staging", "c1", "1.0.0", "2.0", Release.Status.DEPLOYED, "d", "a\n", "");
        store.record("api", "production", "c1", "1.0.0", "2.0", Release.Status.DEPLOYED, "d", "b\n", "");

        assertThat(store.history("api", "production")).singleElement()
                .satisfies(r -> assertThat(r.revision()).isEqualTo(1));
        assertThat(store.all()).extracting(Release::unit).containsExactly("api/production", "api/staging");
        assertThat(client.secrets().inNamespace(ns.name()).withLabel("app.kubernetes.io/managed-by").list()
                .getItems()).isEmpty();
    }
}
