package dev.capstan.agent.observe;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One notification: an event firing, or (when {@code resolved}) its recovery. {@code subject} is the unit
 * ({@code chart/env}) or {@code repository}. Deduplicated by {@link #key()}: one alert per incident, not one per
 * cycle.
 */
public record Alert(AlertEvent event, String subject, String commit, Instant at, String summary,
                    List<String> details, Optional<String> incident, boolean resolved) {
    public Alert {
        details = List.copyOf(details);
    }

    public String key() {
        return subject + "|" + event.name() + "|" + commit;
    }

    public Alert resolvedAt(Instant when, String why) {
        return new Alert(event, subject, commit, when, why, List.of(), incident, true);
    }
}
