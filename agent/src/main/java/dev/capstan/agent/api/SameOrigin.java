package dev.capstan.agent.api;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an open API (no tokens: nothing a browser could not send on its own) must refuse, since any web page the
 * operator visits can make the browser call it: a request through a host name the agent was not told it has (DNS
 * rebinding: an attacker's name resolving to the agent's address), and a state change sent cross-site — a form
 * (form-encoded, multipart, {@code text/plain}), or anything whose {@code Origin} or {@code Sec-Fetch-Site} says
 * another site sent it. The agent's own page and CLI send JSON or no body, from its own origin. Pure.
 */
final class SameOrigin {
    private final Set<String> hostNames;

    SameOrigin(Set<String> hostNames) {
        this.hostNames = hostNames;
    }

    /** Why a request with these headers is refused; empty when it is not. */
    Optional<String> refusal(boolean changesState, String host, String origin, String fetchSite,
                             String contentType) {
        String name = hostName(host);
        if (!name.isEmpty() && !knownHost(name)) {
            return Optional.of("host '" + name + "' is not one this agent answers to (loopback, an IP address, or "
                    + "api.hostNames in the agent config)");
        }
        if (!changesState) {
            return Optional.empty();
        }
        if ("cross-site".equals(fetchSite) || "same-site".equals(fetchSite)) {
            return Optional.of("a state change sent by another site is refused");
        }
        if (origin != null && !origin.equals("null") && !hostName(authority(origin)).equals(name)) {
            return Optional.of("a state change from origin " + origin + " is refused");
        }
        if ("null".equals(origin)) {
            return Optional.of("a state change from an opaque origin is refused");
        }
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return Optional.of("a state change must send JSON (Content-Type: application/json) or no body");
        }
        return Optional.empty();
    }

    private boolean knownHost(String name) {
        return name.equals("localhost") || name.endsWith(".localhost") || isIpLiteral(name)
                || hostNames.contains(name);
    }

    private static boolean isIpLiteral(String name) {
        return name.startsWith("[") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** The host of a {@code Host} header value, lower case, without its port. */
    static String hostName(String host) {
        if (host == null || host.isBlank()) {
            return "";
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        h = colon < 0 ? h : h.substring(0, colon);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static String authority(String origin) {
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority == null ? "\u0000" : authority;
        } catch (IllegalArgumentException e) {
            return "\u0000";
        }
    }
}
