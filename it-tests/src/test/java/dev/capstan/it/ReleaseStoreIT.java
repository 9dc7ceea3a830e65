package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.cluster.RecordKind;
import dev.capstan.agent.cluster.SecretRecords;
import dev.capstan.agent.release.NewRelease;
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
        ReleaseStore store = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                3, Clock.systemUTC());

        for (int i = 1; i <= 4; i++) {
            store.record(draft("staging", "commit" + i, "kind: ConfigMap # " + i + "\n"), Release.Status.DEPLOYED,
                    "");
        }
        store.record(draft("staging", "commit5", "bad\n"), Release.Status.FAILED, "Service api: port out of range");

        List<Release> history = store.history("api", "staging");
        assertThat(history).extracting(Release::revision).containsExactly(3, 4, 5);
        assertThat(history).extracting(r -> r.status().label()).containsExactly("superseded", "deployed", "failed");
        assertThat(history.get(2).message()).isEqualTo("Service api: port out of range");
        assertThat(store.manifests("api", "staging", 4)).contains("kind: ConfigMap # 4\n");
        assertThat(store.manifests("api", "staging", 1)).isEmpty();
    }

    @Test
    void aReplicaDoesNotOverwriteARecordAnotherReplicaWroteSince(KubernetesClient client, TestNamespace ns) {
        ReleaseStore stale = ReleaseStore.remembering(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        Release mine = stale.create(draft("staging", "c1", "a\n"), Release.Status.PROGRESSING);
        ReleaseStore tookOver = ReleaseStore.remembering(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        Release theirs = tookOver.history("api", "staging").get(0);
        tookOver.deployed(theirs, "finished by the replica that took over");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stale.save(mine.ended(Release.Status.FAILED,
                        "rolled back by a replica that lost its Lease", List.of(), mine.startedAt())))
                .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .hasMessageContaining("capstan.release.api.staging.v1")
                .hasMessageContaining("changed by another replica");
        assertThat(ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC()).history("api", "staging"))
                .singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(Release.Status.DEPLOYED));
    }

    @Test
    void unitsAreKeptApartAndRecordsAreNotPartOfAnyUnitsDesiredState(KubernetesClient client, TestNamespace ns) {
        ReleaseStore store = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());

        store.record(draft("staging", "c1", "a\n"), Release.Status.DEPLOYED, "");
        store.record(draft("production", "c1", "b\n"), Release.Status.DEPLOYED, "");

        assertThat(store.history("api", "production")).singleElement()
                .satisfies(r -> assertThat(r.revision()).isEqualTo(1));
        assertThat(store.all()).extracting(Release::unit).containsExactly("api/production", "api/staging");
        assertThat(client.secrets().inNamespace(ns.name()).withLabel("app.kubernetes.io/managed-by").list()
                .getItems()).isEmpty();
    }

    @Test
    void aProgressingRevisionKeepsItsNumberThroughPhasesAndAHoldIsStored(KubernetesClient client,
                                                                          TestNamespace ns) {
        ReleaseStore store = ReleaseStore.reading(new SecretRecords(client, ns.name(), RecordKind.RELEASES),
                10, Clock.systemUTC());
        Release first = store.record(draft("staging", "c1", "a\n"), Release.Status.DEPLOYED, "");

        Release second = store.create(draft("staging", "c2", "b\n"), Release.Status.PROGRESSING);
        store.save(second.withPhase("canary 25%", second.startedAt()));
        assertThat(store.history("api", "staging").get(1).phase()).isEqualTo("canary 25%");
        store.save(second.ended(Release.Status.FAILED, "gate failed", List.of("Deployment api: CrashLoopBackOff"),
                second.startedAt()).withHold(Release.Hold.QUARANTINED, second.startedAt()));

        List<Release> history = store.history("api", "staging");
        assertThat(history).extracting(Release::revision).containsExactly(first.revision(), 2);
        assertThat(history.get(0).status()).isEqualTo(Release.Status.DEPLOYED);
        assertThat(history.get(1).hold()).isEqualTo(Release.Hold.QUARANTINED);
        assertThat(history.get(1).failingChecks()).containsExactly("Deployment api: CrashLoopBackOff");
        assertThat(history.get(1).source()).isEqualTo("src-c2");
    }

    private static NewRelease draft(String env, String commit, String manifests) {
        return new NewRelease("api", env, commit, "1.0.0", "2.0", "d-" + commit, manifests, "src-" + commit, 0, "");
    }
}
