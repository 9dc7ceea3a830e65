package dev.capstan.agent.api;

import dev.capstan.agent.cluster.Gzip;
import dev.capstan.agent.cluster.RecordStorage;
import dev.capstan.agent.cluster.StoredRecord;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.sync.Shards;
import dev.capstan.agent.sync.StatusBoard;
import dev.capstan.agent.sync.UnitOutcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With sharding, a replica knows the live status and drift of its own shards' units only. The holder of each shard
 * publishes them (one record per shard, written only when a unit's state or drift changed, not when it was merely
 * checked again), and every replica reads the other shards' records, so that any replica answers
 * {@code /api/status} and {@code /api/drift} for every unit, a few seconds behind the holder. Release history and
 * incidents need none of this: they are records already. Blocking; called from a worker.
 */
public final class ShardViews {
    private static final Logger LOG = LoggerFactory.getLogger(ShardViews.class);
    private static final String ENTRY = "view.json.gz";
    /** A Secret holds at most 1 MiB; past this the drift details are left out (the holder serves them). */
    private static final int MAX_RECORD_BYTES = 768 * 1024;
    private static final int MAX_VIEW_CHARS = 64 * 1024 * 1024;

    /** Another shard's unit as its holder last published it. */
    public record OtherUnit(int shard, String holder, JsonObject status, Optional<JsonObject> drift, String diff) {
    }

    private final RecordStorage records;
    private final Supplier<List<StoredRecord>> publishedViews;
    private final StatusBoard board;
    private final String identity;
    private final Map<Integer, String> published = new HashMap<>();
    /** The board's {@link StatusBoard#changes()} and the shards held when every view was last published. */
    private long publishedAt = -1;
    private Set<Integer> publishedFor = Set.of();
    private volatile Map<String, OtherUnit> others = Map.of();
    private Set<String> recordsChanged = Set.of();
    /** Each view record as last parsed, by name, with the resource version it was parsed at. */
    private Map<String, ParsedView> parsed = Map.of();

    private record ParsedView(String version, int shard, Map<String, OtherUnit> units) {
    }

    /**
     * @param records        where this replica writes its shards' views
     * @param publishedViews every view record as last seen (an informer's store: reading it costs no request)
     */
    public ShardViews(RecordStorage records, Supplier<List<StoredRecord>> publishedViews, StatusBoard board,
                      String identity) {
        this.records = records;
        this.publishedViews = publishedViews;
        this.board = board;
        this.identity = identity;
    }

    public static String recordName(int shard) {
        return "capstan.shard-view." + shard;
    }

    /** Writes the view of each shard this replica holds whose units changed since it last wrote it. */
    public synchronized void publish() {
        Shards shards = board.role().shards();
        long changes = board.changes();
        Set<Integer> held = Set.copyOf(shards.held());
        // Building a view of 5,000 units every few seconds cost an idle replica a core for seconds a minute.
        if (changes == publishedAt && held.equals(publishedFor)) {
            return;
        }
        boolean all = true;
        for (int shard : held) {
            JsonObject view = view(shards, shard, true);
            String content = withoutCheckTimes(view);
            if (content.equals(published.get(shard))) {
                continue;
            }
            byte[] packed = Gzip.pack(view.encode());
            if (packed.length > MAX_RECORD_BYTES) {
                packed = Gzip.pack(view(shards, shard, false).encode());
            }
            try {
                records.put(recordName(shard), Map.of(), Map.of(ENTRY, packed));
                published.put(shard, content);
            } catch (RuntimeException e) {
                all = false;
                LOG.warn("shard {}'s view not published (other replicas serve the last one): {}", shard,
                        e.getMessage());
            }
        }
        if (all) {
            publishedAt = changes;
            publishedFor = held;
        }
    }

    /**
     * Reads the views the other shards' holders published (a view not rewritten since the last read is not parsed
     * again); returns the units whose state changed since then, appeared or went: their release records are worth
     * reading again, and a unit waiting for its previous environment on another shard may go on.
     */
    public synchronized Set<String> refresh() {
        Shards shards = board.role().shards();
        List<StoredRecord> listed;
        try {
            listed = publishedViews.get();
        } catch (RuntimeException e) {
            LOG.warn("other shards' views not read (serving the last ones): {}", e.getMessage());
            return Set.of();
        }
        Map<String, ParsedView> parsedNow = new HashMap<>();
        Map<String, OtherUnit> read = new TreeMap<>();
        for (StoredRecord record : listed) {
            String name = record.name();
            String version = record.version();
            ParsedView known = parsed.get(name);
            ParsedView view = known != null && version != null && version.equals(known.version()) ? known
                    : parse(name, version, record);
            if (view == null) {
                continue;
            }
            parsedNow.put(name, view);
            if (view.shard() >= 0 && view.shard() < shards.count() && !shards.held().contains(view.shard())) {
                read.putAll(view.units());
            }
        }
        parsed = parsedNow;
        Set<String> changed = new HashSet<>(others.keySet());
        changed.addAll(read.keySet());
        // A view not parsed again has the very same units: no fingerprint to compare.
        changed.removeIf(unit -> others.containsKey(unit) && read.containsKey(unit)
                && (others.get(unit) == read.get(unit)
                || fingerprint(others.get(unit)).equals(fingerprint(read.get(unit)))));
        Set<String> records = new HashSet<>(changed);
        records.removeIf(unit -> others.containsKey(unit) && read.containsKey(unit)
                && recordFingerprint(others.get(unit)).equals(recordFingerprint(read.get(unit))));
        recordsChanged = Set.copyOf(records);
        others = Map.copyOf(read);
        if (!changed.isEmpty()) {
            Map<String, UnitOutcome> states = new HashMap<>();
            read.forEach((unit, other) -> states.put(unit, outcome(unit, other)));
            board.otherShards().replace(states);
        }
        return changed;
    }

    /** One record's view, by unit; null (logged) if it cannot be read. */
    private static ParsedView parse(String name, String version, StoredRecord record) {
        try {
            JsonObject view = new JsonObject(Gzip.unpack(record.entry(ENTRY).orElseThrow(),
                    MAX_VIEW_CHARS));
            int shard = view.getInteger("shard", -1);
            String holder = view.getString("holder", "");
            Map<String, JsonObject> drifts = new HashMap<>();
            Map<String, String> diffs = new HashMap<>();
            for (Object item : view.getJsonArray("drift", new JsonArray())) {
                JsonObject drift = (JsonObject) item;
                Object diff = drift.remove("diff");
                diffs.put(drift.getString("unit"), diff instanceof String text ? text : "");
                drifts.put(drift.getString("unit"), drift);
            }
            Map<String, OtherUnit> units = new HashMap<>();
            for (Object item : view.getJsonArray("units", new JsonArray())) {
                JsonObject status = (JsonObject) item;
                String unit = status.getString("unit");
                units.put(unit, new OtherUnit(shard, holder, status, Optional.ofNullable(drifts.get(unit)),
                        diffs.getOrDefault(unit, "")));
            }
            return new ParsedView(version, shard, Map.copyOf(units));
        } catch (RuntimeException | IOException e) {
            LOG.warn("shard view {} unreadable, its units are served by their holder only: {}", name,
                    e.getMessage());
            return null;
        }
    }

    /** A unit's state as published, without when it was last looked at. */
    /**
     * Of the units the last {@link #refresh} found changed, those whose release records may have changed too: not the
     * ones merely carried to a newer commit (every unit of the shard, at each commit), whose records are as they were.
     */
    public synchronized Set<String> recordsChanged() {
        return recordsChanged;
    }

    /** A published status without what a carry to a newer commit changes. */
    private static String recordFingerprint(OtherUnit unit) {
        return fingerprint(unit, "at", "commit");
    }

    private static String fingerprint(OtherUnit unit) {
        return fingerprint(unit, "at");
    }

    /** The status as compared between reads, without {@code leftOut} (what changes without news). */
    private static String fingerprint(OtherUnit unit, String... leftOut) {
        JsonObject status = unit.status().copy();
        for (String field : leftOut) {
            status.remove(field);
        }
        return status.encode() + unit.holder();
    }

    /** Enough of a published status for promotion: Synced at a commit, or not (with where it stands). */
    private static UnitOutcome outcome(String unit, OtherUnit other) {
        JsonObject status = other.status();
        String commit = status.getString("commit", "");
        java.time.Instant at = java.time.Instant.parse(status.getString("at", "1970-01-01T00:00:00Z"));
        if ("Synced".equals(status.getString("state"))) {
            return new UnitOutcome.Synced(unit, commit, at, "", status.getInteger("objects", 0),
                    status.getString("digest", ""), status.getInteger("revision", 0));
        }
        return new UnitOutcome.Waiting(unit, commit, at, "", status.getString("state", "unknown") + " on shard "
                + other.shard() + " (" + other.holder() + ")");
    }

    /** The other shards' units by id, as last read (none without sharding). */
    public Map<String, OtherUnit> others() {
        Shards shards = board.role().shards();
        Map<String, OtherUnit> now = new TreeMap<>(others);
        // A shard this replica took over since the last read is served from its own state.
        now.values().removeIf(unit -> shards.held().contains(unit.shard()));
        return now;
    }

    private JsonObject view(Shards shards, int shard, boolean details) {
        JsonArray units = new JsonArray();
        for (UnitOutcome outcome : board.units().values()) {
            if (shards.shardOfUnit(outcome.unit()) == shard) {
                units.add(HttpApi.unit(outcome));
            }
        }
        JsonArray drift = new JsonArray();
        for (UnitDrift unitDrift : board.drift().values()) {
            if (shards.shardOfUnit(unitDrift.unit()) == shard) {
                JsonObject json = DriftApi.json(unitDrift);
                if (details) {
                    json.put("diff", unitDrift.diff());
                } else {
                    json.put("objects", new JsonArray()).put("detailsLeftOut", true);
                }
                drift.add(json);
            }
        }
        return new JsonObject().put("shard", shard).put("holder", identity).put("units", units).put("drift", drift);
    }

    /** The view as compared between writes: a unit checked again with the same result is no change. */
    private static String withoutCheckTimes(JsonObject view) {
        JsonObject copy = view.copy();
        copy.getJsonArray("units").forEach(unit -> ((JsonObject) unit).remove("at"));
        copy.getJsonArray("drift").forEach(drift -> ((JsonObject) drift).remove("checkedAt"));
        return copy.encode();
    }
}
