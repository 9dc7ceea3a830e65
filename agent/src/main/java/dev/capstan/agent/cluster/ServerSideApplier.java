package dev.capstan.agent.cluster;

import dev.capstan.agent.drift.SecretValues;
import dev.capstan.agent.model.KindOrder;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Server-side apply with field manager {@code capstan}, forcing conflicts (git is the source of truth for every
 * field Capstan renders), but never over an object another unit owns ({@link Ownership}). {@link #dryRun} validates
 * a whole change set on the server; {@link #apply} writes it in
 * kind install order, the objects of one kind in parallel (at most {@value #PARALLELISM} at once), and waits for
 * applied CustomResourceDefinitions to be Established before their custom resources. Blocking.
 */
public final class ServerSideApplier implements Applier {
    static final int PARALLELISM = 8;
    /** Writes that fail transiently (5xx, 429, no answer) are tried again before they count. */
    private final io.github.resilience4j.retry.Retry retry = Transience.retry("apply");

    private final KubernetesClient client;
    private final ClusterEndpoint endpoint;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final CrdReadiness crds;
    private final LiveLookup owners;
    /** The informers hold Capstan's objects only: what else has a name a hook or a CRD takes is read by GET. */
    private final LiveLookup everyone;
    private final WritePolicy policy;
    private final WriteFence fence;
    private final ApiScopes scopes;
    private final KnownNamespaces namespaces;
    private final List<java.util.function.BiConsumer<RenderedObject, GenericKubernetesResource>> appliedListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * {@code owners}: where live objects are read to check who owns them (the agent's informers);
     * {@code policy}: where units may write (the agent's own objects never, the destinations);
     * {@code fence}: whether this replica may write for the unit at work now.
     */
    public ServerSideApplier(KubernetesClient client, LiveLookup owners, WritePolicy policy, WriteFence fence) {
        this.client = client;
        this.fence = fence;
        this.endpoint = ClusterEndpoint.of(client);
        this.crds = new CrdReadiness(client);
        this.owners = owners;
        this.everyone = new DirectLookup(client);
        this.policy = policy;
        this.scopes = new ApiScopes(client, java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(1));
        this.namespaces = new KnownNamespaces(client, java.time.Duration.ofMinutes(1), java.time.Clock.systemUTC());
    }

    public ServerSideApplier(KubernetesClient client, LiveLookup owners, ReservedObjects reserved) {
        this(client, owners, WritePolicy.reservedOnly(reserved), WriteFence.open());
    }

    public ServerSideApplier(KubernetesClient client, LiveLookup owners) {
        this(client, owners, ReservedObjects.none());
    }

    /**
     * Calls {@code listener} with every object applied and the object the server answered with (what the object is
     * right after the apply), on the applying thread.
     */
    public void onApplied(java.util.function.BiConsumer<RenderedObject, GenericKubernetesResource> listener) {
        appliedListeners.add(listener);
    }

    /** Checks ownership with a GET per object (one-shot use). */
    public ServerSideApplier(KubernetesClient client) {
        this(client, new DirectLookup(client));
    }

    /**
     * Validates every object with a server-side dry run, creating missing namespaces first (a dry run needs them).
     * Custom resources whose definition is in the same set and not served yet cannot be dry-run; they are checked
     * when applied, right after their definition is Established. Empty when the server accepts all.
     */
    public Optional<ApplyResult.Rejected> dryRun(List<RenderedObject> objects) {
        return dryRunUnmasked(objects).map(rejected -> masked(rejected, objects));
    }

    /** The server may quote a Secret's key or value in its message: never repeat one. */
    private static ApplyResult.Rejected masked(ApplyResult.Rejected rejected, List<RenderedObject> objects) {
        return new ApplyResult.Rejected(rejected.object(), SecretValues.of(objects).mask(rejected.message()),
                rejected.transientFailure());
    }

    private Optional<ApplyResult.Rejected> dryRunUnmasked(List<RenderedObject> objects) {
        fence.check(); // a dry run creates missing namespaces
        Optional<ApplyResult.Rejected> outside = policyRefusal(objects, objects);
        if (outside.isPresent()) {
            return outside;
        }
        Optional<ApplyResult.Rejected> owned = ownershipConflict(objects);
        if (owned.isPresent()) {
            return owned;
        }
        Set<String> namespaces = new HashSet<>();
        for (RenderedObject object : objects) {
            String namespace = object.key().namespace();
            if (!namespace.isEmpty() && namespaces.add(namespace)) {
                try {
                    this.namespaces.ensure(namespace);
                } catch (KubernetesClientException e) {
                    return Optional.of(new ApplyResult.Rejected(object.key(), "namespace " + namespace + ": "
                            + describe(e)));
                }
            }
        }
        Set<String> definedHere = CrdReadiness.definedKinds(objects);
        Optional<ApplyResult.Rejected> rejected = inParallel(objects.stream()
                .filter(o -> !crds.awaitsDefinition(o.key(), definedHere)).toList(), object -> {
                    target(object).dryRun().fieldManager(Labels.MANAGER).forceConflicts().serverSideApply();
                    return "";
                }, " (dry run: nothing was applied)").rejected();
        // Deleted since it was last seen: look again next time (and create it then).
        rejected.filter(r -> r.message().contains("namespaces \"" + r.object().namespace() + "\" not found"))
                .ifPresent(r -> this.namespaces.forget(r.object().namespace()));
        return rejected;
    }

    /**
     * The first of {@code objects} the {@link WritePolicy} keeps its unit from writing (the agent's own objects, a
     * namespace or cluster-scoped kind outside the destinations); {@code set}: what they are applied with.
     */
    private Optional<ApplyResult.Rejected> policyRefusal(List<RenderedObject> objects, List<RenderedObject> set) {
        for (RenderedObject object : objects) {
            // Without destinations the scope decides nothing: no discovery request for it.
            boolean namespaced = policy.destinations().restricted() ? scopes.namespaced(object.key(), set)
                    : !object.key().namespace().isEmpty();
            Optional<String> refused = policy.refusal(WritePolicy.envOf(object), object.key(), namespaced);
            if (refused.isPresent()) {
                return Optional.of(new ApplyResult.Rejected(object.key(), refused.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks a release's hooks as its objects are checked, before anything of the release is written: the write
     * policy, and that each hook replaces (deletes, then creates) only its own earlier run — never the agent's
     * objects, another unit's, or what someone else made. Empty when every hook may run.
     */
    public Optional<ApplyResult.Rejected> admitHooks(List<RenderedObject> hooks) {
        fence.check(); // what is admitted is written next
        Optional<ApplyResult.Rejected> outside = policyRefusal(hooks, hooks);
        if (outside.isPresent()) {
            return outside;
        }
        for (RenderedObject hook : hooks) {
            Optional<GenericKubernetesResource> live;
            try {
                live = everyone.get(hook.key());
            } catch (KubernetesClientException | IllegalStateException e) {
                return Optional.of(new ApplyResult.Rejected(hook.key(), "cannot read the live object to check "
                        + "its owner: " + endpoint.describe(e)));
            }
            Optional<String> conflict = live.flatMap(l -> Ownership.hookConflict(hook, l));
            if (conflict.isPresent()) {
                return Optional.of(new ApplyResult.Rejected(hook.key(), conflict.get()));
            }
        }
        return Optional.empty();
    }

    /** The first object of the set that another unit owns (checked before anything is written). */
    private Optional<ApplyResult.Rejected> ownershipConflict(List<RenderedObject> objects) {
        Set<String> definedHere = CrdReadiness.definedKinds(objects);
        for (RenderedObject object : objects) {
            if (crds.awaitsDefinition(object.key(), definedHere)) {
                // Its definition comes in this set and is not served yet: no object of the kind exists.
                continue;
            }
            Optional<GenericKubernetesResource> live;
            try {
                live = owners.get(object.key());
                if (live.isEmpty() && ("CustomResourceDefinition".equals(object.key().kind())
                        && !policy.destinations().replaceUnownedCrds() || Ownership.onATrack(object))) {
                    live = everyone.get(object.key()); // someone else's: not in the informers
                }
            } catch (KubernetesClientException | IllegalStateException e) {
                return Optional.of(new ApplyResult.Rejected(object.key(), "cannot read the live object to check "
                        + "its owner: " + endpoint.describe(e)));
            }
            Optional<String> conflict = live.flatMap(l -> Ownership.conflict(object, l)
                    .or(() -> policy.crdRefusal(object, l)));
            if (conflict.isPresent()) {
                return Optional.of(new ApplyResult.Rejected(object.key(), conflict.get()));
            }
        }
        return Optional.empty();
    }

    /** Validates, then applies; nothing is written if the dry run rejects any object. */
    public ApplyResult validateAndApply(List<RenderedObject> objects) {
        Optional<ApplyResult.Rejected> rejected = dryRun(objects);
        return rejected.isPresent() ? rejected.get() : apply(objects);
    }

    /** Applies in install order, kind by kind; stops at the first kind with a rejected object. */
    public ApplyResult apply(List<RenderedObject> objects) {
        ApplyResult result = applyUnmasked(objects);
        return result instanceof ApplyResult.Rejected rejected ? masked(rejected, objects) : result;
    }

    private ApplyResult applyUnmasked(List<RenderedObject> objects) {
        // Every writer passes the policy, whether or not it dry-ran first (a rollback, a hook, a heal).
        Optional<ApplyResult.Rejected> outside = policyRefusal(objects, objects);
        if (outside.isPresent()) {
            return outside.get();
        }
        Map<Integer, Map<String, List<RenderedObject>>> byRank = new TreeMap<>();
        for (RenderedObject object : objects) {
            byRank.computeIfAbsent(KindOrder.rank(object.key().kind()), r -> new LinkedHashMap<>())
                    .computeIfAbsent(object.key().kind(), k -> new ArrayList<>()).add(object);
        }
        Map<ObjectKey, String> versions = new HashMap<>();
        for (Map<String, List<RenderedObject>> kinds : byRank.values()) {
            for (List<RenderedObject> sameKind : kinds.values()) {
                fence.check(); // again before each kind: waiting for a CRD to be Established takes time
                Batch batch = inParallel(sameKind, object -> {
                    GenericKubernetesResource applied = retry.executeSupplier(() -> target(object)
                            .fieldManager(Labels.MANAGER).forceConflicts().serverSideApply());
                    appliedListeners.forEach(listener -> listener.accept(object, applied));
                    return applied.getMetadata().getResourceVersion();
                }, "");
                versions.putAll(batch.versions());
                if (batch.rejected().isPresent()) {
                    return batch.rejected().get();
                }
                if ("CustomResourceDefinition".equals(sameKind.get(0).key().kind())) {
                    Optional<ApplyResult.Rejected> notEstablished = crds.awaitEstablished(sameKind);
                    if (notEstablished.isPresent()) {
                        return notEstablished.get();
                    }
                }
            }
        }
        return new ApplyResult.Applied(objects.size(), versions);
    }

    /** The fence every write of this applier passes: for writers beside it (hooks) to check too. */
    public WriteFence fence() {
        return fence;
    }

    /** Deletes objects (background propagation); already gone is fine. Returns how many were deleted. */
    public int delete(List<ObjectKey> keys) {
        return delete(keys, io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND);
    }

    /**
     * Deletes {@code keys} with {@code propagation}: {@code FOREGROUND} keeps each object until what it owns (a
     * Deployment's ReplicaSets and their pods) is gone, so its disappearance says its pods are.
     */
    public int delete(List<ObjectKey> keys, io.fabric8.kubernetes.api.model.DeletionPropagation propagation) {
        int deleted = 0;
        for (ObjectKey key : keys) {
            if (policy.reserved().reason(key).isPresent()) {
                continue; // never the agent's own objects, whoever asks
            }
            fence.check();
            var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
            var resource = key.namespace().isEmpty() ? operation.withName(key.name())
                    : operation.inNamespace(key.namespace()).withName(key.name());
            if (!resource.withPropagationPolicy(propagation).delete().isEmpty()) {
                deleted++;
            }
        }
        return deleted;
    }

    private interface Call {
        String run(RenderedObject object);
    }

    private record Batch(Map<ObjectKey, String> versions, Optional<ApplyResult.Rejected> rejected) {
    }

    /** Runs {@code call} for every object, at most {@value #PARALLELISM} at once; the first rejection in order wins. */
    private Batch inParallel(List<RenderedObject> objects, Call call, String suffix) {
        Map<ObjectKey, String> versions = new HashMap<>();
        if (objects.size() == 1) {
            try {
                versions.put(objects.get(0).key(), call.run(objects.get(0)));
                return new Batch(versions, Optional.empty());
            } catch (KubernetesClientException e) {
                return new Batch(versions, Optional.of(new ApplyResult.Rejected(objects.get(0).key(),
                        describe(e) + suffix, Transience.isTransient(e))));
            }
        }
        Semaphore slots = new Semaphore(PARALLELISM);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (RenderedObject object : objects) {
                results.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return call.run(object);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        for (int i = 0; i < objects.size(); i++) {
            try {
                versions.put(objects.get(i).key(), results.get(i).get());
            } catch (ExecutionException e) {
                String message = e.getCause() instanceof KubernetesClientException k ? describe(k)
                        : String.valueOf(e.getCause().getMessage());
                boolean transientFailure = e.getCause() instanceof KubernetesClientException k
                        && Transience.isTransient(k);
                return new Batch(versions, Optional.of(new ApplyResult.Rejected(objects.get(i).key(),
                        message + suffix, transientFailure)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Batch(versions, Optional.of(new ApplyResult.Rejected(objects.get(i).key(),
                        "interrupted")));
            }
        }
        return new Batch(versions, Optional.empty());
    }

    private Resource<GenericKubernetesResource> target(RenderedObject object) {
        GenericKubernetesResource resource = serialization.convertValue(
                NativeDefaults.apply(object.key().kind(), object.content()), GenericKubernetesResource.class);
        var operation = client.genericKubernetesResources(object.key().apiVersion(), object.key().kind());
        String namespace = object.key().namespace();
        return namespace.isEmpty() ? operation.resource(resource) : operation.inNamespace(namespace).resource(resource);
    }

    /**
     * What the API server said of a rejected object; for refused credentials or no answer at all, which cluster it
     * was (the object is not at fault) and why.
     */
    private String describe(KubernetesClientException e) {
        if (e.getCode() == 0 || e.getCode() == 401 || e.getCode() == 403) {
            return endpoint.describe(e);
        }
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return e.getCode() > 0 ? e.getCode() + " " + e.getMessage() : endpoint.describe(e);
    }
}
