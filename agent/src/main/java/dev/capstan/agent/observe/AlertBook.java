package dev.capstan.agent.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The open alerts, by key: an event that is already open is not sent again; a recovery resolves the subject's open
 * alerts once. Informational events ({@code DEPLOYED}) are sent once per key and never held open. Pure state,
 * thread-safe.
 */
final class AlertBook {
    private final Map<String, Alert> open = new LinkedHashMap<>();
    private final Set<String> informed = java.util.Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    });

    /** The alert to send, or empty when the same key is open already (or was informed already). */
    synchronized Optional<Alert> fire(Alert alert) {
        if (alert.event() == AlertEvent.DEPLOYED) {
            return informed.add(alert.key()) ? Optional.of(alert) : Optional.empty();
        }
        if (open.containsKey(alert.key())) {
            return Optional.empty();
        }
        open.put(alert.key(), alert);
        return Optional.of(alert);
    }

    /** Resolves the subject's open alerts of the given events; returns the resolve notifications. */
    synchronized List<Alert> resolve(String subject, Set<AlertEvent> events, Instant at, String why) {
        List<Alert> resolved = new ArrayList<>();
        for (Iterator<Alert> it = open.values().iterator(); it.hasNext();) {
            Alert alert = it.next();
            if (alert.subject().equals(subject) && events.contains(alert.event())) {
                it.remove();
                resolved.add(alert.resolvedAt(at, why));
            }
        }
        return resolved;
    }

    synchronized boolean isOpen(String subject, AlertEvent event) {
        return open.values().stream().anyMatch(a -> a.subject().equals(subject) && a.event() == event);
    }
}
