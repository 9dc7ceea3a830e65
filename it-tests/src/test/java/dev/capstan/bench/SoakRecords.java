package dev.capstan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What the soaks check of the release records: seen during the run, then none lost, duplicated or skipped. */
final class SoakRecords {
    private SoakRecords() {
    }

    /** Notes every revision {@code agent} shows now, by unit, in {@code seen}. */
    static void recordSeen(BenchAgent agent, Map<String, Set<Integer>> seen) {
        JsonNode releases = agent.json("/api/releases");
        if (releases == null) {
            return;
        }
        for (JsonNode unit : releases.path("units")) {
            for (JsonNode release : unit.path("releases")) {
                seen.computeIfAbsent(unit.path("unit").asText(), u -> new TreeSet<>())
                        .add(release.path("revision").asInt());
            }
        }
    }

    /**
     * For each of {@code units} ({@code chart/env}): no revision twice, none skipped, none left progressing, none of
     * those {@code seen} during the run lost.
     */
    static List<String> problems(ReleaseStore records, List<String> units, Map<String, Set<Integer>> seen) {
        List<String> problems = new ArrayList<>();
        for (String unit : units) {
            String[] parts = unit.split("/");
            TreeSet<Integer> revisions = new TreeSet<>();
            for (Release release : records.history(parts[0], parts[1])) {
                if (!revisions.add(release.revision())) {
                    problems.add(unit + ": revision " + release.revision() + " twice");
                }
                if (release.status() == Release.Status.PROGRESSING) {
                    problems.add(unit + ": revision " + release.revision() + " left progressing");
                }
            }
            if (!revisions.isEmpty() && revisions.size() != revisions.last()) {
                problems.add(unit + ": revisions skipped: " + revisions);
            }
            Set<Integer> lost = new TreeSet<>(seen.getOrDefault(unit, Set.of()));
            lost.removeAll(revisions);
            if (!lost.isEmpty()) {
                problems.add(unit + ": records seen during the run and lost: " + lost);
            }
        }
        return problems;
    }
}
