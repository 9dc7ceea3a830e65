package dev.capstan.agent.sync;

import dev.capstan.agent.rollout.Supersession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollouts under way, each with the source it rolls out: when the loop plans a commit that gives one of their
 * units another source, that rollout is superseded (its waiting gate ends; the newer commit starts when it returns).
 * A commit that leaves the unit's source alone changes nothing.
 */
final class UnitSupersessions {
    private record Running(String commit, String source, Supersession supersession) {
    }

    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /**
     * A rollout of {@code unit} at {@code commit} starts, from {@code source} as its render read it (a kustomization's
     * first build reads what it touched, not the whole repository); closing the watch says it ended.
     */
    Watch watch(String unit, String commit, String source) {
        Running entry = new Running(commit, source, new Supersession());
        running.put(unit, entry);
        return new Watch(unit, entry);
    }

    void planned(String commit, Map<String, String> sources) {
        running.forEach((unit, entry) -> {
            String next = sources.get(unit);
            // The same commit planned again (the next poll) never supersedes, whatever its source reads like.
            if (!commit.equals(entry.commit()) && next != null && !next.isEmpty() && !entry.source().isEmpty()
                    && !next.equals(entry.source())) {
                entry.supersession().supersede(commit);
            }
        });
    }

    /** One rollout's registration. */
    final class Watch implements AutoCloseable {
        private final String unit;
        private final Running entry;

        private Watch(String unit, Running entry) {
            this.unit = unit;
            this.entry = entry;
        }

        Supersession supersession() {
            return entry.supersession();
        }

        @Override
        public void close() {
            running.remove(unit, entry);
        }
    }
}
