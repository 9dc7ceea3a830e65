package dev.capstan.agent.api;

import java.util.Optional;

/**
 * Whether a request path is in the one form the router and the access rules agree on. Anything a client could use
 * to make the two read a path differently is refused before either looks at it: percent-encoding, empty segments
 * ({@code //}), dot segments ({@code /./}, {@code /../}), backslashes and characters no route uses. Pure.
 */
final class CanonicalPath {
    private CanonicalPath() {
    }

    /** Empty when {@code path} is canonical; otherwise why not (safe to echo: it never quotes the path). */
    static Optional<String> problem(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return Optional.of("the request path must start with /");
        }
        if (path.length() > 512) {
            return Optional.of("the request path is longer than 512 characters");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
            if (!allowed) {
                return Optional.of(c == '%' ? "percent-encoded request paths are not accepted"
                        : "the request path holds a character no route uses");
            }
        }
        if (path.equals("/")) {
            return Optional.empty();
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() && i < segments.length - 1) {
                return Optional.of("empty path segments (//) are not accepted");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("dot segments (. and ..) are not accepted in request paths");
            }
        }
        if (path.endsWith("/")) {
            return Optional.of("a trailing / is not accepted");
        }
        return Optional.empty();
    }
}
