package dev.capstan.agent.helmrepo;

import dev.capstan.agent.chart.ChartFiles;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.ChartFetchFailure;
import dev.capstan.agent.model.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The chart Helm's engine renders for a Helm unit's directory in git:
 * <ul>
 * <li>a chart whose {@code Chart.yaml} lists dependencies from {@code https://} repositories or {@code oci://}
 * registries: the chart with each dependency that is not vendored in {@code charts/} fetched at the version
 * {@code Chart.lock} pins (a missing or stale lock is the chart's error, as {@code helm dependency build} says);</li>
 * <li>a directory with {@value #REFERENCE_FILE} (a chart named by repository, name and version): that chart, with
 * the directory's {@code values.yaml} and {@code values.<env>.yaml} given as the release's values.</li>
 * </ul>
 * A chart with nothing to fetch is returned as it is.
 */
public final class ChartSources {
    public static final String REFERENCE_FILE = "chart-source.yaml";
    private static final Set<String> REFERENCE_FIELDS = Set.of("repository", "chart", "version", "digest");

    private final ChartFetcher fetcher;

    public ChartSources(ChartFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** Sources as the agent config says: its allowed repositories and logins, its cache directory. */
    public static ChartSources of(dev.capstan.agent.config.ChartsConfig config, java.nio.file.Path defaultCacheDir) {
        return new ChartSources(new ChartFetcher(new RepositoryAccess(config), config.cacheDir()
                .orElse(defaultCacheDir), java.time.Clock.systemUTC()));
    }

    /**
     * Sources for the command line ({@code render}, {@code lint}, {@code diff}): the default policy, the cache in
     * {@code $CAPSTAN_CHART_CACHE}, else {@code $XDG_CACHE_HOME/capstan/charts}, else {@code ~/.cache/capstan/charts}.
     */
    public static ChartSources local() {
        return local(dev.capstan.agent.config.ChartsConfig.defaults());
    }

    /** As {@link #local()}, with {@code config}'s repositories and logins. */
    public static ChartSources local(dev.capstan.agent.config.ChartsConfig config) {
        String explicit = System.getenv("CAPSTAN_CHART_CACHE");
        String xdg = System.getenv("XDG_CACHE_HOME");
        java.nio.file.Path dir = explicit != null && !explicit.isBlank() ? java.nio.file.Path.of(explicit)
                : (xdg != null && !xdg.isBlank() ? java.nio.file.Path.of(xdg)
                : java.nio.file.Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("capstan").resolve("charts");
        return of(config, dir);
    }

    /**
     * What Helm renders: {@code chart} (its files as Helm's loader is to see them) and, for a chart by reference,
     * {@code releaseValues}: the directory's values files ({@code values.yaml}, {@code values.<env>.yaml}) by name.
     */
    public record HelmSource(ChartFiles chart, Map<String, byte[]> releaseValues, Optional<ChartReference> reference) {
        public HelmSource {
            releaseValues = Map.copyOf(releaseValues);
        }
    }

    /** Whether the directory names its chart by reference. */
    public static boolean isReference(ChartFiles dir) {
        return dir.bytes(REFERENCE_FILE).isPresent() && dir.bytes("Chart.yaml").isEmpty();
    }

    /** {@code unit} names the unit in errors ({@code chart/env}). */
    public HelmSource resolve(ChartFiles dir, String unit) {
        if (isReference(dir)) {
            ChartReference ref = reference(dir, unit);
            Map<String, byte[]> fetched = fetch(unit, REFERENCE_FILE, ref);
            Map<String, byte[]> values = new TreeMap<>();
            dir.files().forEach((path, bytes) -> {
                if (path.matches("values(\\.[^/]+)?\\.yaml")) {
                    values.put(path, bytes);
                }
            });
            Map<String, byte[]> chart = withDependencies(unit, fetched);
            return new HelmSource(ChartFiles.of(dir.chartName(), chart), values, Optional.of(ref));
        }
        Map<String, byte[]> files = withDependencies(unit, dir.files());
        return new HelmSource(files == dir.files() ? dir : ChartFiles.of(dir.chartName(), files), Map.of(),
                Optional.empty());
    }

    /** The reference {@value #REFERENCE_FILE} names, checked; errors name {@code unit}. */
    static ChartReference reference(ChartFiles dir, String unit) {
        String chart = unit;
        Map<String, Object> raw = Yaml.readMap(dir.text(REFERENCE_FILE).orElse(""), chart, REFERENCE_FILE);
        for (String key : raw.keySet()) {
            if (!REFERENCE_FIELDS.contains(key)) {
                throw new ChartException(chart, REFERENCE_FILE, 0, "unknown field '" + key + "' (expected "
                        + new TreeSet<>(REFERENCE_FIELDS) + ")");
            }
        }
        String repository = required(raw, "repository", chart);
        String name = required(raw, "chart", chart);
        String version = required(raw, "version", chart);
        if (!repository.startsWith("https://") && !repository.startsWith("http://")
                && !repository.startsWith("oci://")) {
            throw new ChartException(chart, REFERENCE_FILE, 0, "repository: expected an https:// Helm repository or "
                    + "an oci:// registry, found '" + RepositoryAccess.shown(repository) + "'");
        }
        if (!VersionRange.exact(version)) {
            throw new ChartException(chart, REFERENCE_FILE, 0, "version: '" + version + "' is not one exact version "
                    + "(a range is resolved only through a Chart.lock): name the version, e.g. 1.2.3");
        }
        Optional<String> digest = Optional.ofNullable(raw.get("digest")).map(Object::toString);
        if (digest.isPresent() && !Digests.valid(digest.get())) {
            throw new ChartException(chart, REFERENCE_FILE, 0, "digest: expected sha256:<64 hex digits>");
        }
        return new ChartReference(repository, name, version, digest);
    }

    private static String required(Map<String, Object> raw, String field, String chart) {
        Object value = raw.get(field);
        if (value == null || value.toString().isBlank() || value instanceof Map || value instanceof List) {
            throw new ChartException(chart, REFERENCE_FILE, 0, field + ": required (repository, chart and version "
                    + "name the chart)");
        }
        return value.toString().strip();
    }

    /** {@code files} with every remote dependency that is not vendored fetched into {@code charts/}. */
    private Map<String, byte[]> withDependencies(String unit, Map<String, byte[]> files) {
        String chart = unit;
        byte[] chartYaml = files.get("Chart.yaml");
        if (chartYaml == null) {
            return files;
        }
        Map<String, Object> metadata = Yaml.readMap(new String(chartYaml, java.nio.charset.StandardCharsets.UTF_8),
                chart, "Chart.yaml");
        List<Map<String, Object>> required = dependencies(metadata.get("dependencies"), chart, "Chart.yaml");
        Set<String> vendored = vendored(chart, files);
        List<Map<String, Object>> remote = required.stream().filter(d -> isRemote(d)
                && !vendored.contains(string(d.get("name")))).toList();
        if (remote.isEmpty()) {
            return files;
        }
        if (!"v2".equals(metadata.get("apiVersion"))) {
            throw new ChartException(chart, "Chart.yaml", 0, "dependency " + string(remote.get(0).get("name"))
                    + " comes from " + RepositoryAccess.shown(string(remote.get(0).get("repository")))
                    + ": an apiVersion v1 chart's dependencies must be vendored in charts/");
        }
        byte[] lockBytes = files.get("Chart.lock");
        if (lockBytes == null) {
            throw new ChartException(chart, "Chart.yaml", 0, "dependency " + string(remote.get(0).get("name"))
                    + " comes from " + RepositoryAccess.shown(string(remote.get(0).get("repository")))
                    + " and no Chart.lock pins its version: run 'helm dependency update' and commit Chart.lock (or "
                    + "vendor the chart in charts/)");
        }
        Map<String, Object> lock = Yaml.readMap(new String(lockBytes, java.nio.charset.StandardCharsets.UTF_8), chart,
                "Chart.lock");
        List<Map<String, Object>> locked = dependencies(lock.get("dependencies"), chart, "Chart.lock");
        checkInSync(chart, required, locked, string(lock.get("digest")));
        Map<String, byte[]> out = new LinkedHashMap<>(files);
        Map<String, String> placed = new java.util.HashMap<>();
        // As helm dependency build: what the lock lists, in its order (two entries may share a chart name).
        for (Map<String, Object> pin : locked) {
            String name = string(pin.get("name"));
            String repository = string(pin.get("repository"));
            if (!isRemote(pin) || vendored.contains(name)) {
                continue;
            }
            String version = string(pin.get("version"));
            if (!VersionRange.exact(version)) {
                throw new ChartException(chart, "Chart.lock", 0, "dependency " + name + ": '" + version + "' is not "
                        + "one exact version");
            }
            ChartReference ref = new ChartReference(repository, name, version, Optional.empty());
            String dir = "charts/" + name;
            if (placed.containsKey(dir) && !placed.get(dir).equals(version)) {
                dir = "charts/" + name + "-" + version;
            }
            if (version.equals(placed.put(dir, version))) {
                continue;
            }
            String prefix = dir + "/";
            fetch(unit, "Chart.lock", ref).forEach((path, bytes) -> out.put(prefix + path, bytes));
        }
        return out;
    }

    private Map<String, byte[]> fetch(String unit, String file, ChartReference ref) {
        try {
            return fetcher.chartFiles(ref);
        } catch (ChartFetchException e) {
            throw new ChartFetchFailure(unit, file, e.getMessage());
        }
    }

    /** As {@code helm dependency build}: the lock's digest must be that of Chart.yaml's dependencies and its own. */
    private static void checkInSync(String chart, List<Map<String, Object>> required,
                                    List<Map<String, Object>> locked, String digest) {
        if (LockDigest.of(required, locked).equals(digest)) {
            return;
        }
        for (Map<String, Object> dependency : required) {
            String name = string(dependency.get("name"));
            String repository = string(dependency.get("repository"));
            Optional<Map<String, Object>> pin = locked.stream().filter(l -> name.equals(string(l.get("name")))
                    && sameRepository(repository, string(l.get("repository")))).findFirst();
            if (pin.isEmpty()) {
                throw outOfSync(chart, "dependency " + name + " (" + RepositoryAccess.shown(repository) + ") is not "
                        + "in Chart.lock");
            }
            String range = string(dependency.get("version"));
            String version = string(pin.get().get("version"));
            if (!range.isEmpty() && VersionRange.allows(range, version).orElse(true) == Boolean.FALSE) {
                throw outOfSync(chart, "dependency " + name + ": Chart.lock pins " + version + ", which Chart.yaml's "
                        + "version '" + range + "' does not allow");
            }
        }
        throw outOfSync(chart, "its digest is not that of Chart.yaml's dependencies (" + required.stream()
                .map(d -> string(d.get("name"))).toList() + ")");
    }

    private static ChartException outOfSync(String chart, String why) {
        return new ChartException(chart, "Chart.lock", 0, "the lock file (Chart.lock) is out of sync with the "
                + "dependencies file (Chart.yaml): " + why + "; run 'helm dependency update' and commit Chart.lock");
    }

    /** The chart names vendored in {@code charts/}: unpacked directories by their Chart.yaml, archives by file name. */
    private static Set<String> vendored(String chart, Map<String, byte[]> files) {
        Set<String> names = new java.util.HashSet<>();
        for (String path : files.keySet()) {
            String[] parts = path.split("/");
            if (parts.length == 3 && parts[0].equals("charts") && parts[2].equals("Chart.yaml")) {
                Object name = Yaml.readMap(new String(files.get(path), java.nio.charset.StandardCharsets.UTF_8),
                        chart, path).get("name");
                names.add(name == null ? parts[1] : name.toString());
            } else if (parts.length == 2 && parts[0].equals("charts") && parts[1].endsWith(".tgz")) {
                String base = parts[1].substring(0, parts[1].length() - 4);
                int dash = base.lastIndexOf('-');
                // name-1.2.3.tgz (a version may hold dashes too: name-1.2.3-rc.1.tgz).
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+?)-v?\\d+\\.\\d+\\.\\d+.*")
                        .matcher(base);
                names.add(m.matches() ? m.group(1) : dash > 0 ? base.substring(0, dash) : base);
            }
        }
        return names;
    }

    private static boolean isRemote(Map<String, Object> dependency) {
        String repository = string(dependency.get("repository"));
        return repository.startsWith("https://") || repository.startsWith("http://")
                || repository.startsWith("oci://");
    }

    private static boolean sameRepository(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> dependencies(Object raw, String chart, String file) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            throw new ChartException(chart, file, 0, "dependencies: expected a list");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> map)) {
                throw new ChartException(chart, file, 0, "dependencies: each entry must be a mapping");
            }
            out.add((Map<String, Object>) map);
        }
        return out;
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }
}
