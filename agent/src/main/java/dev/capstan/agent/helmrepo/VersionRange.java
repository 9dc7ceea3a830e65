package dev.capstan.agent.helmrepo;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic version ranges as Helm's {@code Chart.yaml} writes them ({@code ^1.2}, {@code ~1.2.3}, {@code >=1 <2},
 * {@code 1.2.x}, {@code *}, {@code a || b}, {@code 1.0 - 2.0}), enough to tell which dependency a stale
 * {@code Chart.lock} no longer satisfies, and whether a version is exact. Pre-releases compare below their release.
 */
final class VersionRange {
    private static final Pattern VERSION = Pattern.compile(
            "v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Pattern TERM = Pattern.compile("(!=|>=|=>|<=|=<|>|<|=|~>|~|\\^)?\\s*(\\S+)");
    private static final Pattern EXACT = Pattern.compile(
            "v?\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?");

    private VersionRange() {
    }

    /** Whether {@code version} names one version (no range, no wildcard). */
    static boolean exact(String version) {
        return EXACT.matcher(version).matches();
    }

    /** Whether {@code range} allows {@code version}; empty when either cannot be read. */
    static Optional<Boolean> allows(String range, String version) {
        Optional<long[]> v = parse(version.strip()).filter(p -> p[5] == 0);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        String pre = prerelease(version.strip());
        boolean any = false;
        for (String alternative : range.split("\\|\\|")) {
            Optional<Boolean> all = allOf(alternative.strip(), v.get(), pre);
            if (all.isEmpty()) {
                return Optional.empty();
            }
            any |= all.get();
        }
        return Optional.of(any);
    }

    private static Optional<Boolean> allOf(String conjunction, long[] v, String pre) {
        String text = conjunction.replaceAll("\\s*-\\s+|\\s+-\\s*", " - ").strip();
        if (text.isEmpty()) {
            return Optional.of(true);
        }
        String[] hyphen = text.split(" - ");
        if (hyphen.length == 2) {
            return allOf(">=" + hyphen[0].strip() + ", <=" + hyphen[1].strip(), v, pre);
        }
        boolean all = true;
        String joined = text.replaceAll("(!=|>=|=>|<=|=<|~>|[><=~^])\\s+", "$1");
        for (String raw : joined.split("[,\\s]+")) {
            String term = raw.strip();
            if (term.isEmpty()) {
                continue;
            }
            Matcher m = TERM.matcher(term);
            if (!m.matches()) {
                return Optional.empty();
            }
            Optional<long[]> bound = parse(m.group(2));
            if (bound.isEmpty()) {
                return Optional.empty();
            }
            all &= term(m.group(1) == null ? "=" : m.group(1), bound.get(), prerelease(m.group(2)), v, pre);
        }
        return Optional.of(all);
    }

    private static boolean term(String op, long[] b, String bPre, long[] v, String pre) {
        int wild = (int) b[3];
        long[] low = {b[0], b[1], b[2]};
        return switch (op) {
            case "=" -> wild < 3 ? compare(v, pre, low, bPre) >= 0 && below(v, pre, bump(b, wild)) : compare(v, pre,
                    low, bPre) == 0;
            case "!=" -> wild < 3 ? !(compare(v, pre, low, bPre) >= 0 && below(v, pre, bump(b, wild)))
                    : compare(v, pre, low, bPre) != 0;
            case ">" -> wild < 3 ? !below(v, pre, bump(b, wild)) : compare(v, pre, low, bPre) > 0;
            case ">=", "=>" -> compare(v, pre, low, bPre) >= 0;
            case "<" -> compare(v, pre, low, bPre) < 0;
            case "<=", "=<" -> wild < 3 ? below(v, pre, bump(b, wild)) : compare(v, pre, low, bPre) <= 0;
            case "~", "~>" -> compare(v, pre, low, bPre) >= 0 && below(v, pre, bump(b, Math.min(wild, 2)));
            default -> compare(v, pre, low, bPre) >= 0 && below(v, pre, caret(b));
        };
    }

    /** The first version above the wildcard: {@code 1.2.x} → 1.3.0; given positions {@code fixed}. */
    private static long[] bump(long[] b, int fixed) {
        return switch (fixed) {
            case 0 -> new long[] {Long.MAX_VALUE, 0, 0};
            case 1 -> new long[] {b[0] + 1, 0, 0};
            default -> new long[] {b[0], b[1] + 1, 0};
        };
    }

    private static long[] caret(long[] b) {
        if (b[0] > 0 || b[3] <= 1) {
            return new long[] {b[0] + 1, 0, 0};
        }
        if (b[1] > 0 || b[3] == 2) {
            return new long[] {0, b[1] + 1, 0};
        }
        return new long[] {0, 0, b[2] + 1};
    }

    private static boolean below(long[] v, String pre, long[] upper) {
        return compare(v, pre, upper, "") < 0;
    }

    private static int compare(long[] a, String aPre, long[] b, String bPre) {
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        if (aPre.isEmpty() || bPre.isEmpty()) {
            return aPre.isEmpty() == bPre.isEmpty() ? 0 : aPre.isEmpty() ? 1 : -1;
        }
        return aPre.compareTo(bPre);
    }

    /** {major, minor, patch, fixed positions (0-3), unused, 1 if a wildcard}; empty if not a version. */
    private static Optional<long[]> parse(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long[] out = new long[6];
        int fixed = 0;
        for (int i = 0; i < 3; i++) {
            String part = m.group(i + 1);
            if (part == null || part.matches("[xX*]")) {
                break;
            }
            out[i] = Long.parseLong(part);
            fixed++;
        }
        out[3] = fixed;
        out[5] = fixed < 3 ? 1 : 0;
        return Optional.of(out);
    }

    private static String prerelease(String text) {
        Matcher m = VERSION.matcher(text);
        return m.matches() && m.group(4) != null ? m.group(4) : "";
    }
}
