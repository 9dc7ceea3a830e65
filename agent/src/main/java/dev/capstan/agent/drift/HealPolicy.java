package dev.capstan.agent.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When to correct a drifted object again, so that something that keeps fighting Capstan over it (another controller,
 * a person with {@code kubectl edit}) does not start an endless write loop: the first correction at once, then
 * backing off ({@link #FIRST_BACKOFF}, doubling); after {@link #FIGHT_LIMIT} corrections within {@link #WINDOW}
 * healing of that object stops ({@link GiveUp} once, then {@link Abandoned}) until it is in sync again or the unit
 * deploys another revision. Pure apart from its memory; not thread-safe (one drift reporter owns it).
 */
public final class HealPolicy {
    public static final int FIGHT_LIMIT = 3;
    public static final Duration WINDOW = Duration.ofMinutes(10);
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);

    /** What to do about one drifted object now. */
    public sealed interface Decision {
    }

    /** Correct it now. */
    public record Heal() implements Decision {
    }

    /** Corrected recently: not before {@code until}. */
    public record Wait(Instant until) implements Decision {
    }

    /** It keeps coming back: stop healing it and say so (once). */
    public record GiveUp(int corrections, Duration within) implements Decision {
    }

    /** Healing of it stopped earlier. */
    public record Abandoned() implements Decision {
    }

    private final Map<String, Deque<Instant>> corrections = new HashMap<>();
    private final Set<String> abandoned = new HashSet<>();

    public Decision decide(String object, Instant now) {
        if (abandoned.contains(object)) {
            return new Abandoned();
        }
        Deque<Instant> recent = recent(object, now);
        if (recent.size() >= FIGHT_LIMIT) {
            abandoned.add(object);
            return new GiveUp(recent.size(), Duration.between(recent.peekFirst(), now));
        }
        if (recent.isEmpty()) {
            return new Heal();
        }
        Instant next = recent.peekLast().plus(FIRST_BACKOFF.multipliedBy(1L << (recent.size() - 1)));
        return now.isBefore(next) ? new Wait(next) : new Heal();
    }

    public void corrected(String object, Instant at) {
        corrections.computeIfAbsent(object, o -> new ArrayDeque<>()).addLast(at);
    }

    /** The object is as Capstan wants it again (or the unit moved on): its history starts over. */
    public void forget(String object) {
        corrections.remove(object);
        abandoned.remove(object);
    }

    /** Forgets every object whose id starts with {@code prefix} (a unit's, when it deploys another revision). */
    public void forgetAll(String prefix) {
        corrections.keySet().removeIf(k -> k.startsWith(prefix));
        abandoned.removeIf(k -> k.startsWith(prefix));
    }

    private Deque<Instant> recent(String object, Instant now) {
        Deque<Instant> times = corrections.getOrDefault(object, new ArrayDeque<>());
        while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(WINDOW))) {
            times.removeFirst();
        }
        return times;
    }
}
