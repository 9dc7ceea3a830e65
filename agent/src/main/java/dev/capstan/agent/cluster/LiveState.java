package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Live objects through one informer per kind, limited to objects labelled {@code app.kubernetes.io/managed-by:
 * capstan}: memory bounded by what Capstan manages, and no GET per object per cycle. An informer starts the first
 * time a kind is needed and lives as long as the agent.
 */
public final class LiveState implements LiveLookup, AppliedVersions, AutoCloseable {
    /** Written by the Deployment controller, never by Capstan or a person. */
    private static final String CONTROLLER_ANNOTATIONS = "deployment.kubernetes.io/";
    private static final String UNIT_INDEX = "capstan.dev/unit";
    private final KubernetesClient client;
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();

    private final List<java.util.function.BiConsumer<String, String>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private final List<java.util.function.BiConsumer<String, String>> eventListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The install whose units' objects {@link #managedBy} answers (those of no named install too). */
    private final String install;

    /** Live objects of install {@code install}'s units: another install's of the same unit name are not its. */
    public LiveState(KubernetesClient client, String install) {
        this.client = client;
        this.install = install;
    }

    public LiveState(KubernetesClient client) {
        this(client, "");
    }

    /**
     * Calls {@code listener} with the unit ({@code chart}, {@code env} labels) of every object that changed or went
     * away in the cluster, on the informer's thread: it must only hand the news on.
     */
    public void onChange(java.util.function.BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /**
     * Calls {@code listener} with the namespace and name of every event of every watched object, status updates
     * included (health gates wake on them), on the informer's thread: it must only hand the news on.
     */
    public void onAnyEvent(java.util.function.BiConsumer<String, String> listener) {
        eventListeners.add(listener);
    }

    private void event(GenericKubernetesResource object) {
        String namespace = object.getMetadata().getNamespace();
        eventListeners.forEach(l -> l.accept(namespace == null ? "" : namespace, object.getMetadata().getName()));
    }

    /**
     * What a change Capstan cares about changes: for objects with a {@code generation} (which the API server bumps
     * on spec changes) the generation with the labels and annotations, so that status updates — a Deployment's on
     * every pod change — are not news; for the others the resourceVersion. The annotation the Deployment controller
     * writes after every rollout ({@code deployment.kubernetes.io/revision}) is not news either.
     */
    public static String versionOf(GenericKubernetesResource object) {
        Long generation = object.getMetadata().getGeneration();
        if (generation == null || generation == 0) {
            return isServiceAccount(object) ? serviceAccountVersion(object) : object.getMetadata().getResourceVersion();
        }
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        if (annotations != null && annotations.keySet().stream().anyMatch(k -> k.startsWith(CONTROLLER_ANNOTATIONS))) {
            annotations = new java.util.TreeMap<>(annotations);
            annotations.keySet().removeIf(k -> k.startsWith(CONTROLLER_ANNOTATIONS));
        }
        return "g" + generation + "/" + java.util.Objects.hash(object.getMetadata().getLabels(),
                annotations == null || annotations.isEmpty() ? null : annotations,
                object.getMetadata().getOwnerReferences(),
                object.getMetadata().getFinalizers(), object.getMetadata().getDeletionTimestamp());
    }

    private static boolean isServiceAccount(GenericKubernetesResource object) {
        return "ServiceAccount".equals(object.getKind()) && "v1".equals(object.getApiVersion());
    }

    /**
     * A ServiceAccount has no generation, and the token controller adds its token Secret to {@code secrets} once,
     * seconds to minutes after it was created (at 5,000 apps, the minute after all were Synced went to re-checking
     * them): everything but {@code secrets} is what changes it.
     */
    private static String serviceAccountVersion(GenericKubernetesResource object) {
        Map<String, Object> body = new java.util.TreeMap<>(object.getAdditionalProperties());
        body.remove("secrets");
        return "sa/" + java.util.Objects.hash(object.getMetadata().getLabels(), object.getMetadata().getAnnotations(),
                object.getMetadata().getOwnerReferences(), object.getMetadata().getFinalizers(),
                object.getMetadata().getDeletionTimestamp(), body);
    }

    private void changed(GenericKubernetesResource object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        if (labels != null && labels.get(Labels.CHART) != null && labels.get(Labels.ENV) != null) {
            listeners.forEach(l -> l.accept(labels.get(Labels.CHART), labels.get(Labels.ENV)));
        }
    }

    /** Ensures an informer for {@code apiVersion/kind} runs and has listed once. Blocking (first time only). */
    public void watch(String apiVersion, String kind) {
        informers.computeIfAbsent(apiVersion + "/" + kind, ignored -> {
            SharedIndexInformer<GenericKubernetesResource> informer = client
                    .genericKubernetesResources(apiVersion, kind).inAnyNamespace()
                    .withLabel(Labels.MANAGED_BY, Labels.MANAGER)
                    .runnableInformer(0)
                    .itemStore(new LeanItemStore());
            // A unit's objects by index, not by scanning the store: at 5,000 apps a sweep scanned 20,000 objects
            // per unit.
            informer.addIndexers(Map.of(UNIT_INDEX, object -> {
                Map<String, String> labels = object.getMetadata().getLabels();
                return labels == null || labels.get(Labels.CHART) == null || labels.get(Labels.ENV) == null
                        || !Labels.ofInstall(labels, install)
                        ? List.of() : List.of(labels.get(Labels.CHART) + "/" + labels.get(Labels.ENV));
            }));
            informer.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource object) {
                    // News for a gate; for drift, the initial list and Capstan's own creations are not a change.
                    event(object);
                }

                @Override
                public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                    event(now);
                    if (!java.util.Objects.equals(versionOf(old), versionOf(now))) {
                        changed(now);
                    }
                }

                @Override
                public void onDelete(GenericKubernetesResource object, boolean unknownFinalState) {
                    event(object);
                    changed(object);
                }
            });
            return started(informer, kind, ClusterEndpoint.of(client));
        });
    }

    /** Starts {@code informer} and waits (at most 30 s) for its first list; closes it and says why if it fails. */
    static <T> SharedIndexInformer<T> started(SharedIndexInformer<T> informer, String what,
                                                ClusterEndpoint endpoint) {
        try {
            informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return informer;
        } catch (InterruptedException e) {
            informer.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting to watch " + what, e);
        } catch (Exception e) {
            informer.close();
            throw new IllegalStateException("cannot watch " + what + " in " + endpoint.describe(e), e);
        }
    }

    @Override
    public boolean whole(String apiVersion, String kind) {
        return LeanItemStore.keepsWhole(apiVersion, kind);
    }

    @Override
    public Optional<GenericKubernetesResource> get(ObjectKey key) {
        watch(key.apiVersion(), key.kind());
        String storeKey = key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
        return Optional.ofNullable(informers.get(key.apiVersion() + "/" + key.kind()).getStore()
                .getByKey(storeKey));
    }

    @Override
    public List<GenericKubernetesResource> managedBy(String chart, String env, Collection<String> kinds) {
        List<GenericKubernetesResource> result = new ArrayList<>();
        for (String kind : kinds) {
            SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
            if (informer == null) {
                continue;
            }
            result.addAll(informer.getIndexer().byIndex(UNIT_INDEX, chart + "/" + env));
        }
        return result;
    }

    /** Kinds watched so far ({@code apiVersion/kind}). */
    public Collection<String> kinds() {
        return List.copyOf(informers.keySet());
    }

    /**
     * Waits until the cache holds {@code key} at {@code resourceVersion} (just applied) or later, at most
     * {@code timeout}. Controllers often write again right after an apply (a Deployment's status), so the exact
     * version may never be cached.
     */
    public boolean awaitVersion(ObjectKey key, String resourceVersion, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (get(key).map(r -> atLeast(r.getMetadata().getResourceVersion(), resourceVersion)).orElse(false)) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return false;
    }

    /** Waits until the cache no longer holds {@code key}, at most {@code timeout}; whether it went. */
    public boolean awaitGone(ObjectKey key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (get(key).isPresent()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        return true;
    }

    /**
     * resourceVersions are opaque by contract; etcd-backed API servers issue increasing integers, so compare them
     * as numbers when both are, and by equality otherwise.
     */
    static boolean atLeast(String cached, String wanted) {
        if (Objects.equals(cached, wanted)) {
            return true;
        }
        try {
            return Long.parseLong(cached) >= Long.parseLong(wanted);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
    }
}
