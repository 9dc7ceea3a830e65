package dev.capstan.agent.cluster;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.capstan.agent.drift.FieldChange;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.OwnedFields;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.drift.SecretValues;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.Yaml;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Desired vs live for one unit, by what Capstan owns: the desired object is server-side-applied as a dry run
 * (field manager capstan), and only the fields the capstan manager would own are compared with the live object.
 * The verdict of an object is cached by (desired content, live version: generation and metadata where the kind has
 * a generation, else resourceVersion): a check where neither side changed, or only the live status did, costs no API
 * call. Secret values are masked before anything is compared or shown. Blocking.
 */
public final class DriftChecker implements DriftChecks {
    /** On an object: drift neither reports nor heals it ({@code ignore}). */
    public static final String IGNORE_ANNOTATION = "capstan.dev/drift";
    private static final int CACHED_VERDICTS = 50_000;
    private static final java.util.function.Predicate<ObjectVerdict> ALWAYS = verdict -> true;
    static final int PARALLELISM = 8;

    private final KubernetesClient client;
    private final ClusterEndpoint endpoint;
    private final LiveLookup live;
    private final SecretMask mask;
    private final Clock clock;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final Map<String, UnitDigests> unitDigests = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Compared> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compared> eldest) {
            return size() > CACHED_VERDICTS;
        }
    };

    public DriftChecker(KubernetesClient client, LiveLookup live, SecretMask mask, Clock clock) {
        this.client = client;
        this.endpoint = ClusterEndpoint.of(client);
        this.live = live;
        this.mask = mask;
        this.clock = clock;
    }

    /** One object's comparison: the verdict and its part of the unified diff. */
    private record Compared(ObjectVerdict verdict, String diff) {
    }

    /**
     * The objects whose live state differs from what applying them would make it: missing, or modified in a field
     * Capstan owns. What a rollout needs to send; an unchanged object costs no write. Verdicts are shared with the
     * drift checks (an object neither side changed costs no API call). If the comparison itself fails (the cluster
     * refuses a dry run), every object is returned and the rollout's own dry run says why.
     */
    public List<RenderedObject> changed(List<RenderedObject> objects) {
        return changed(objects, ALWAYS);
    }

    /**
     * As {@link #changed(List)}, keeping only the differences {@code matters} accepts (a re-sync leaves out what
     * drift rules ignore) and never an object annotated {@value #IGNORE_ANNOTATION}: {@code ignore}.
     */
    public List<RenderedObject> changed(List<RenderedObject> objects,
                                        java.util.function.Predicate<ObjectVerdict> matters) {
        try {
            Map<RenderedObject, String> digests = new java.util.IdentityHashMap<>();
            objects.forEach(o -> digests.put(o, contentDigest(o)));
            List<Compared> compared = compareAll(objects, digests);
            List<RenderedObject> changed = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                ObjectVerdict verdict = compared.get(i).verdict();
                boolean ignoredObject = matters != ALWAYS && ignored(objects.get(i).content());
                if (!(verdict instanceof ObjectVerdict.InSync) && !ignoredObject && matters.test(verdict)) {
                    changed.add(objects.get(i));
                }
            }
            return changed;
        } catch (KubernetesClientException | IllegalStateException e) {
            return objects;
        }
    }

    /**
     * {@code object} was just applied and the server answered {@code applied}: that object is in sync with it, so a
     * drift check right after a deploy costs no dry run unless something else has written the object since.
     */
    public void applied(RenderedObject object, GenericKubernetesResource applied) {
        synchronized (cache) {
            cache.put(cacheKey(contentDigest(object), applied), new Compared(new ObjectVerdict.InSync(object.key()),
                    ""));
        }
    }

    public UnitDrift check(String unit, String commit, DesiredState desired) {
        try {
            List<ObjectVerdict> verdicts = new ArrayList<>();
            StringBuilder diff = new StringBuilder();
            Set<ObjectKey> wanted = new HashSet<>();
            Set<String> kinds = new HashSet<>();
            List<RenderedObject> compared = new ArrayList<>();
            for (RenderedObject object : desired.objects()) {
                wanted.add(object.key());
                kinds.add(object.key().apiVersion() + "/" + object.key().kind());
                if (!ignored(object.content())) {
                    compared.add(object);
                }
            }
            Map<RenderedObject, String> known = digestsOf(unit, desired);
            Map<RenderedObject, String> contentDigests = new java.util.IdentityHashMap<>();
            // Every compared object is one of the desired state's; any other is hashed now.
            compared.forEach(o -> contentDigests.put(o, known.containsKey(o) ? known.get(o) : contentDigest(o)));
            for (Compared result : compareAll(compared, contentDigests)) {
                verdicts.add(result.verdict());
                diff.append(result.diff());
            }
            if (live instanceof LiveState state) {
                kinds.addAll(state.kinds());
            }
            for (GenericKubernetesResource extra : live.managedBy(desired.chart(), desired.env(), kinds)) {
                ObjectKey key = keyOf(extra);
                if (!wanted.contains(key) && !isCanary(extra) && !ignoredLive(extra.getMetadata().getAnnotations())) {
                    verdicts.add(new ObjectVerdict.Extra(key));
                    diff.append(unified(key, yaml(ownedProjection(extra)), ""));
                }
            }
            boolean inSync = verdicts.stream().allMatch(ObjectVerdict.InSync.class::isInstance);
            return new UnitDrift(unit, commit, clock.instant(), inSync ? UnitDrift.State.InSync
                    : UnitDrift.State.OutOfSync, "", verdicts, diff.toString());
        } catch (KubernetesClientException | IllegalStateException e) {
            return UnitDrift.unknown(unit, commit, clock.instant(), SecretValues.of(
                    desired.objects()).mask("cannot compare with " + endpoint.describe(e)));
        }
    }

    /**
     * Every object compared, in order. Cached verdicts cost nothing; the dry runs a cold check needs go out
     * {@value #PARALLELISM} at a time, so a cold check of a large unit is not one round trip after another.
     */
    private List<Compared> compareAll(List<RenderedObject> objects, Map<RenderedObject, String> digests) {
        List<Optional<Compared>> known = objects.stream().map(o -> withoutServer(o, digests.get(o))).toList();
        if (known.stream().filter(Optional::isEmpty).count() <= 1) {
            List<Compared> compared = new ArrayList<>(objects.size());
            for (int i = 0; i < objects.size(); i++) {
                RenderedObject object = objects.get(i);
                compared.add(known.get(i).orElseGet(() -> compareWithDryRun(object, digests.get(object))));
            }
            return compared;
        }
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(PARALLELISM);
        List<java.util.concurrent.Future<Compared>> futures = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < objects.size(); i++) {
                RenderedObject object = objects.get(i);
                Optional<Compared> cached = known.get(i);
                futures.add(cached.isPresent() ? java.util.concurrent.CompletableFuture.completedFuture(cached.get())
                        : threads.submit(() -> {
                            slots.acquire();
                            try {
                                return compareWithDryRun(object, digests.get(object));
                            } finally {
                                slots.release();
                            }
                        }));
            }
        }
        List<Compared> compared = new ArrayList<>(objects.size());
        for (java.util.concurrent.Future<Compared> future : futures) {
            try {
                compared.add(future.get());
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return compared;
    }

    /** The comparison when no API call is needed: the object is missing, or neither side changed since last time. */
    private Optional<Compared> withoutServer(RenderedObject object, String digest) {
        ObjectKey key = object.key();
        Optional<GenericKubernetesResource> current = live.get(key);
        if (current.isEmpty()) {
            String desiredYaml = yaml(mask.mask(key.kind(), NativeDefaults.apply(key.kind(), object.content())));
            return Optional.of(new Compared(new ObjectVerdict.Missing(key), unified(key, "", desiredYaml)));
        }
        synchronized (cache) {
            return Optional.ofNullable(cache.get(cacheKey(digest, current.get())));
        }
    }

    /** A dry run against the live object, remembered by (desired content, live version). */
    private Compared compareWithDryRun(RenderedObject object, String digest) {
        GenericKubernetesResource current = live.get(object.key()).orElse(null);
        if (current == null) {
            return withoutServer(object, digest).orElseThrow();
        }
        Compared compared = compareWithDryRun(object, current);
        synchronized (cache) {
            cache.put(cacheKey(digest, current), compared);
        }
        return compared;
    }

    /** Neither side changed: the same desired content, and no live change but status (see LiveState#versionOf). */
    private static String cacheKey(String contentDigest, GenericKubernetesResource current) {
        return contentDigest + "@" + LiveState.versionOf(current);
    }

    /**
     * The content digest of each object of the unit's desired state, worked out once per desired state (kept by
     * identity until the unit is rendered anew): a sweep of units that did not change serializes and hashes nothing,
     * where it used to hash every object of every unit at every cycle.
     */
    private Map<RenderedObject, String> digestsOf(String unit, DesiredState desired) {
        UnitDigests known = unitDigests.get(unit);
        if (known != null && known.desired() == desired) {
            return known.byObject();
        }
        Map<RenderedObject, String> byObject = new java.util.IdentityHashMap<>();
        for (RenderedObject object : desired.objects()) {
            byObject.put(object, contentDigest(object));
        }
        unitDigests.put(unit, new UnitDigests(desired, java.util.Collections.unmodifiableMap(byObject)));
        return byObject;
    }

    private record UnitDigests(DesiredState desired, Map<RenderedObject, String> byObject) {
    }

    @SuppressWarnings("unchecked")
    private Compared compareWithDryRun(RenderedObject object, GenericKubernetesResource current) {
        ObjectKey key = object.key();
        GenericKubernetesResource request = serialization.convertValue(
                NativeDefaults.apply(key.kind(), object.content()), GenericKubernetesResource.class);
        var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
        var target = key.namespace().isEmpty() ? operation.resource(request)
                : operation.inNamespace(key.namespace()).resource(request);
        GenericKubernetesResource dryRun = target.dryRun().fieldManager(Labels.MANAGER).forceConflicts()
                .serverSideApply();
        Map<String, Object> owned = ownedFields(dryRun);
        Map<String, Object> desiredMap = mask.mask(key.kind(), serialization.convertValue(dryRun, Map.class));
        // The informer's copy is the whole object only for some kinds (LeanItemStore); else read it, once.
        GenericKubernetesResource whole = live.whole(key.apiVersion(), key.kind()) ? current
                : wholeObject(key).orElse(current);
        Map<String, Object> liveMap = mask.mask(key.kind(), serialization.convertValue(whole, Map.class));
        List<FieldChange> changes = OwnedFields.diff(owned, desiredMap, liveMap);
        if (changes.isEmpty()) {
            return new Compared(new ObjectVerdict.InSync(key), "");
        }
        return new Compared(new ObjectVerdict.Modified(key, changes), unified(key,
                yaml(OwnedFields.project(owned, liveMap)), yaml(OwnedFields.project(owned, desiredMap))));
    }

    /** The object as it is in the cluster now, with everything (one GET); empty if gone. */
    private Optional<GenericKubernetesResource> wholeObject(ObjectKey key) {
        var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
        return Optional.ofNullable((key.namespace().isEmpty() ? operation.withName(key.name())
                : operation.inNamespace(key.namespace()).withName(key.name())).get());
    }

    private List<ManagedFieldsEntry> managedFieldsOf(ObjectKey key) {
        List<ManagedFieldsEntry> cached = live.get(key).map(o -> o.getMetadata().getManagedFields()).orElse(null);
        if (cached != null) {
            return cached;
        }
        try {
            return wholeObject(key).map(object -> object.getMetadata().getManagedFields()).orElse(null);
        } catch (KubernetesClientException e) {
            // Who changed it is a courtesy of the report; the correction does not depend on it.
            return null;
        }
    }

    /** The fields the capstan manager owns through Apply (empty if it owns none). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> ownedFields(GenericKubernetesResource resource) {
        List<ManagedFieldsEntry> entries = resource.getMetadata().getManagedFields();
        if (entries == null) {
            return Map.of();
        }
        return entries.stream()
                .filter(e -> Labels.MANAGER.equals(e.getManager()) && "Apply".equals(e.getOperation()))
                .findFirst()
                .map(e -> (Map<String, Object>) serialization.convertValue(e.getFieldsV1(), Map.class))
                .orElse(Map.of());
    }

    @SuppressWarnings("unchecked")
    private Object ownedProjection(GenericKubernetesResource resource) {
        Map<String, Object> map = mask.mask(resource.getKind(), serialization.convertValue(resource, Map.class));
        Map<String, Object> owned = ownedFields(resource);
        return owned.isEmpty() ? map : OwnedFields.project(owned, map);
    }

    private static ObjectKey keyOf(GenericKubernetesResource resource) {
        String namespace = resource.getMetadata().getNamespace();
        return new ObjectKey(resource.getApiVersion(), resource.getKind(), namespace == null ? "" : namespace,
                resource.getMetadata().getName());
    }

    private String contentDigest(RenderedObject object) {
        try {
            var sha = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(sha.digest(serialization.asJson(object.content())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String yaml(Object value) {
        return value == null ? "" : Yaml.write(value);
    }

    /** A unified diff with 3 lines of context, headed live/ and desired/ like `kubectl diff`. */
    static String unified(ObjectKey key, String liveYaml, String desiredYaml) {
        String name = key.kind() + "/" + (key.namespace().isEmpty() ? "" : key.namespace() + "/") + key.name();
        List<String> before = liveYaml.isEmpty() ? List.of() : liveYaml.lines().toList();
        List<String> after = desiredYaml.isEmpty() ? List.of() : desiredYaml.lines().toList();
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("live/" + name, "desired/" + name, before,
                DiffUtils.diff(before, after), 3);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    /** Annotated {@value #IGNORE_ANNOTATION}: {@code ignore}, on the object as applied or as it is live. */
    private static boolean ignored(Map<String, Object> content) {
        return content.get("metadata") instanceof Map<?, ?> metadata
                && metadata.get("annotations") instanceof Map<?, ?> annotations
                && "ignore".equals(annotations.get(IGNORE_ANNOTATION));
    }

    private static boolean ignoredLive(Map<String, String> annotations) {
        return annotations != null && "ignore".equals(annotations.get(IGNORE_ANNOTATION));
    }

    /**
     * Who last changed {@code key} other than Capstan, as the API server's managed fields say (manager and
     * operation, e.g. {@code kubectl-edit (Update)}); empty when the object is gone or nobody else wrote to it.
     */
    public String changedBy(ObjectKey key, List<String> paths) {
        // Informer caches keep no managed fields (LeanItemStore): read them from the object itself.
        List<ManagedFieldsEntry> others = Optional.ofNullable(managedFieldsOf(key)).orElse(List.of()).stream()
                .filter(e -> !Labels.MANAGER.equals(e.getManager())).toList();
        java.util.Comparator<ManagedFieldsEntry> newest = java.util.Comparator.comparing(e -> e.getTime() == null
                ? "" : e.getTime());
        // The manager that now owns a changed field said it; else the latest writer that is not a status updater.
        Optional<ManagedFieldsEntry> owner = others.stream().filter(e -> paths.stream().anyMatch(path ->
                owns(e, path))).max(newest);
        return owner.or(() -> others.stream().filter(e -> !ownsOnlyStatus(e)).max(newest))
                .map(e -> e.getManager() + (e.getOperation() == null ? "" : " (" + e.getOperation() + ")"))
                .orElse("");
    }

    /** Whether the entry's fieldsV1 holds {@code path} (segments by '.', list items matched by any key). */
    @SuppressWarnings("unchecked")
    private boolean owns(ManagedFieldsEntry entry, String path) {
        Object node = entry.getFieldsV1() == null ? null : serialization.convertValue(entry.getFieldsV1(), Map.class);
        for (String segment : path.split("\\.")) {
            String name = segment.replaceAll("\\[.*", "");
            if (!(node instanceof Map<?, ?> map) || !map.containsKey("f:" + name)) {
                return false;
            }
            node = map.get("f:" + name);
            if (segment.contains("[") && node instanceof Map<?, ?> items) {
                node = items.values().stream().findFirst().orElse(null);
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private boolean ownsOnlyStatus(ManagedFieldsEntry entry) {
        Object fields = entry.getFieldsV1() == null ? null : serialization.convertValue(entry.getFieldsV1(),
                Map.class);
        return fields instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k.equals("f:status")
                || k.equals("f:metadata"));
    }

    /**
     * A rollout's canary (or blue-green copy, preview Service) is not drift: it exists only while its rollout runs,
     * and the rollout removes it.
     */
    private static boolean isCanary(GenericKubernetesResource object) {
        var labels = object.getMetadata().getLabels();
        return labels != null && labels.containsKey(Labels.TRACK);
    }
}
