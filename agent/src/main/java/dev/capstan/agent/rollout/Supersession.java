package dev.capstan.agent.rollout;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a newer commit changed the source of the unit being rolled out. The loop sets it when it plans that commit;
 * a step waiting in its gate stops waiting at once, and what the step switched is undone as after a failed gate, but
 * nothing is quarantined: the newer commit replaces it (Flux's {@code CancelHealthCheckOnNewRevision}).
 */
public final class Supersession {
    private volatile String newerCommit;
    private final Set<Runnable> wakers = ConcurrentHashMap.newKeySet();

    /** One that no commit ever sets (a rollback's gate, a test). */
    public static Supersession never() {
        return new Supersession();
    }

    /** The newer commit, once there is one. */
    public Optional<String> newerCommit() {
        return Optional.ofNullable(newerCommit);
    }

    /** Marks the rollout superseded by {@code commit} and wakes whoever waits on it; the first commit stays. */
    public void supersede(String commit) {
        synchronized (this) {
            if (newerCommit != null) {
                return;
            }
            newerCommit = commit;
        }
        wakers.forEach(Runnable::run);
    }

    /** A wake-up registration; closing it cannot fail. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code wake} when the rollout is superseded (now, if it already is) until the returned handle closes. */
    Registration onSupersede(Runnable wake) {
        wakers.add(wake);
        if (newerCommit != null) {
            wake.run();
        }
        return () -> wakers.remove(wake);
    }
}
