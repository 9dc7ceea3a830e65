package dev.capstan.agent.release;

import dev.capstan.agent.cluster.Gzip;
import dev.capstan.agent.cluster.RecordStorage;
import dev.capstan.agent.cluster.StoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Release records in the cluster: one Secret per revision per unit in the agent's namespace, holding the record as
 * JSON and the rendered manifests gzip-compressed. Secrets, because manifests may hold Secret data. Deliberately
 * not labelled {@code app.kubernetes.io/managed-by=capstan}: records are not part of any unit's desired state.
 * Only the newest {@code historyLimit} revisions of a unit are kept. Blocking.
 */
public final class ReleaseStore {
    static final String LABEL_CHART = "capstan.dev/release-chart";
    static final String LABEL_ENV = "capstan.dev/release-env";
    private static final String RECORD = "release.json";
    private static final String MANIFESTS = "manifests.yaml.gz";

    private final RecordStorage records;
    private final int historyLimit;
    private final Clock clock;
    /**
     * Each unit's records as last read or written by this store: read once per unit with one LIST, then kept up to
     * date by this store's own writes (the leader is the only writer of records). {@link #all()} re-reads everything;
     * {@link #invalidate()} forgets it, for a replica that just took the lead from another.
     */
    private final java.util.Map<String, java.util.NavigableMap<Integer, Release>> cache =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final boolean remembers;
    /** {@link #all()} has read every record: a unit absent from {@code cache} has none, no need to ask. */
    private volatile boolean complete;

    /**
     * A store that reads {@code records} (the cluster's: {@code cluster.RecordKind.RELEASES}) on every call: for
     * readers beside the agent (the CLI, tests).
     */
    public static ReleaseStore reading(RecordStorage records, int historyLimit, Clock clock) {
        return new ReleaseStore(records, historyLimit, clock, false);
    }

    /**
     * The agent's store: each unit's records read once, then kept by its own writes (see {@code cache}); memory in a
     * test of the rollout's decisions.
     */
    public static ReleaseStore remembering(RecordStorage records, int historyLimit, Clock clock) {
        return new ReleaseStore(records, historyLimit, clock, true);
    }

    private ReleaseStore(RecordStorage records, int historyLimit, Clock clock, boolean remembers) {
        this.records = records;
        this.historyLimit = historyLimit;
        this.clock = clock;
        this.remembers = remembers;
    }

    /**
     * Records a new revision (the next number for the unit) with {@code status}, usually {@code progressing}. Older
     * revisions beyond the history limit are deleted, never a progressing or the deployed one.
     */
    public Release create(NewRelease draft, Release.Status status) {
        return create(draft, status, "");
    }

    /** As {@link #create(NewRelease, Release.Status)}, with the step it is at already recorded. */
    public synchronized Release create(NewRelease draft, Release.Status status, String phase) {
        List<Release> history = history(draft.chart(), draft.env());
        int revision = history.stream().mapToInt(Release::revision).max().orElse(0) + 1;
        var now = clock.instant();
        Release release = Release.builder().chart(draft.chart()).env(draft.env()).revision(revision)
                .commit(draft.commit()).chartVersion(draft.chartVersion()).appVersion(draft.appVersion())
                .status(status).startedAt(now).updatedAt(now).digest(draft.digest()).message(draft.message())
                .source(draft.source()).phase(phase).rollbackTo(draft.rollbackTo()).origin(draft.origin()).build();
        records.create(name(draft.chart(), draft.env(), revision),
                Map.of(LABEL_CHART, draft.chart(), LABEL_ENV, draft.env()),
                Map.of(RECORD, StoredRecord.toJson(release), MANIFESTS, Gzip.pack(draft.manifests())));
        java.util.NavigableMap<Integer, Release> known = cached(draft.chart(), draft.env());
        known.put(revision, release);
        history.stream()
                .filter(r -> r.status() != Release.Status.PROGRESSING && r.status() != Release.Status.DEPLOYED)
                .sorted(Comparator.comparingInt(Release::revision).reversed())
                .skip(Math.max(0, historyLimit - 2))
                .forEach(r -> {
                    records.delete(name(draft.chart(), draft.env(), r.revision()));
                    known.remove(r.revision());
                });
        return release;
    }

    /**
     * Marks {@code release} deployed: it becomes the unit's last good. The previously deployed revision becomes
     * {@code superseded}, or {@code rolled-back} when {@code release} is a rollback away from it (to another one).
     */
    public synchronized Release deployed(Release release, String message) {
        var now = clock.instant();
        history(release.chart(), release.env()).stream()
                .filter(r -> r.status() == Release.Status.DEPLOYED && r.revision() != release.revision())
                .forEach(r -> save(r.withStatus(release.rollbackTo() > 0 && release.rollbackTo() != r.revision()
                        ? Release.Status.ROLLED_BACK : Release.Status.SUPERSEDED, now)));
        return save(release.ended(Release.Status.DEPLOYED, message, List.of(), now));
    }

    /** Writes a changed record (status, phase, hold...). Returns it. */
    public Release save(Release release) {
        records.update(name(release.chart(), release.env(), release.revision()), RECORD,
                StoredRecord.toJson(release));
        java.util.NavigableMap<Integer, Release> known = cache.get(unit(release.chart(), release.env()));
        if (known != null) {
            known.put(release.revision(), release);
        }
        return release;
    }

    /** Records a revision in one step (a rollout that ends at once, like a rejected apply). */
    public Release record(NewRelease draft, Release.Status status, String message) {
        Release created = create(draft, Release.Status.PROGRESSING);
        return status == Release.Status.DEPLOYED ? deployed(created, message)
                : save(created.ended(status, message, List.of(), clock.instant()));
    }

    /** The namespace the records live in (the agent's own). */
    public String namespace() {
        return records.namespace();
    }

    /** The unit's revisions, oldest first. */
    public List<Release> history(String chart, String env) {
        return List.copyOf(cached(chart, env).values());
    }

    /**
     * What this store remembers of one unit's revisions (by id), oldest first, reading nothing: the one copy of the
     * history the status board, the drift report and the operator's actions look at.
     */
    public List<Release> remembered(String unitId) {
        java.util.NavigableMap<Integer, Release> known = cache.get(unitId);
        return known == null ? List.of() : List.copyOf(known.values());
    }

    /**
     * The ids of the units with a revision this store remembers that {@code known} does not hold, unsorted, without
     * copying any history or the other ids.
     */
    public List<String> unitsRememberedOutside(java.util.Set<String> known) {
        List<String> units = new java.util.ArrayList<>();
        cache.forEach((unit, revisions) -> {
            if (!revisions.isEmpty() && !known.contains(unit)) {
                units.add(unit);
            }
        });
        return units;
    }

    /** Every unit with a revision this store remembers, by id (sorted), each oldest first; reads nothing. */
    public Map<String, List<Release>> remembered() {
        Map<String, List<Release>> all = new java.util.TreeMap<>();
        cache.forEach((unit, revisions) -> {
            // A unit only asked about (its history looked up, nothing recorded yet) has no history to show.
            if (!revisions.isEmpty()) {
                all.put(unit, List.copyOf(revisions.values()));
            }
        });
        return all;
    }

    /**
     * Reads again the records of these units (by id): units another replica writes, whose state it announced as
     * changed. This replica never writes them, so what it remembers of them is only for reading.
     */
    public void reread(java.util.Collection<String> unitIds) {
        for (String unitId : unitIds) {
            int slash = unitId.indexOf('/');
            java.util.NavigableMap<Integer, Release> read = read(unitId.substring(0, slash),
                    unitId.substring(slash + 1));
            if (remembers) {
                cache.put(unitId, read);
            }
        }
    }

    /**
     * Reads again every record of the units {@code mine} refuses (by id): other shards' units, for reading. What it
     * remembers of its own units (kept by its own writes) is not touched.
     */
    public void rereadOthers(java.util.function.Predicate<String> mine) {
        Map<String, java.util.NavigableMap<Integer, Release>> others = new java.util.HashMap<>();
        readAll().stream().filter(r -> !mine.test(r.unit()))
                .forEach(r -> others.computeIfAbsent(r.unit(), u -> new java.util.concurrent.ConcurrentSkipListMap<>())
                        .put(r.revision(), r));
        if (remembers) {
            cache.putAll(others);
        }
    }

    /** Every unit's revisions, by unit then revision, read afresh and not remembered. */
    public List<Release> readAll() {
        return records.list(Map.of()).stream().map(ReleaseStore::release)
                .sorted(Comparator.comparing(Release::unit).thenComparingInt(Release::revision))
                .toList();
    }

    /** Every unit's revisions, by unit then revision, read afresh (and remembered). */
    public List<Release> all() {
        List<Release> all = readAll();
        java.util.Map<String, java.util.NavigableMap<Integer, Release>> read = new java.util.HashMap<>();
        all.forEach(r -> read.computeIfAbsent(r.unit(), u -> new java.util.concurrent.ConcurrentSkipListMap<>())
                .put(r.revision(), r));
        if (remembers) {
            cache.clear();
            cache.putAll(read);
            complete = true;
        }
        return all;
    }

    /** Forgets what was read: the next reads go to the cluster (after another replica may have written). */
    public void invalidate() {
        complete = false;
        cache.clear();
        records.forgetVersions();
    }

    /** Forgets what it read of the units {@code units} accepts, by id (a shard this replica just took). */
    public void invalidate(java.util.function.Predicate<String> units) {
        complete = false;
        cache.keySet().removeIf(units);
        records.forgetVersions();
    }

    private java.util.NavigableMap<Integer, Release> cached(String chart, String env) {
        if (!remembers) {
            return read(chart, env);
        }
        return cache.computeIfAbsent(unit(chart, env), u -> complete ? new java.util.concurrent
                .ConcurrentSkipListMap<>() : read(chart, env));
    }

    private java.util.NavigableMap<Integer, Release> read(String chart, String env) {
        java.util.NavigableMap<Integer, Release> read = new java.util.concurrent.ConcurrentSkipListMap<>();
        records.list(Map.of(LABEL_CHART, chart, LABEL_ENV, env)).stream().map(ReleaseStore::release)
                .forEach(r -> read.put(r.revision(), r));
        return read;
    }

    private static String unit(String chart, String env) {
        return chart + "/" + env;
    }

    /** The exact manifests of a revision, as they were applied. */
    public Optional<String> manifests(String chart, String env, int revision) {
        return records.get(name(chart, env, revision)).flatMap(record -> record.entry(MANIFESTS))
                .map(ReleaseStore::gunzip);
    }

    static String name(String chart, String env, int revision) {
        return "capstan.release." + chart + "." + env + ".v" + revision;
    }

    private static Release release(StoredRecord record) {
        return record.json(RECORD, Release.class);
    }

    static String gunzip(byte[] compressed) {
        try {
            // Far above what a Secret's 1 MiB of gzip holds in practice; a bound, not a limit met.
            return Gzip.unpack(compressed, 256 * 1024 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
