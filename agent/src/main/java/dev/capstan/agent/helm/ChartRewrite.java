package dev.capstan.agent.helm;

import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ChartException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The two changes Capstan makes to a Helm chart's files before Helm's engine sees them, each undone or made exact in
 * the output:
 * <ul>
 * <li>every {@code helm.sh/hook} in the chart's text files becomes {@code capstan-held.helm.sh/hook}, so that Helm
 * leaves hook objects in its output (helm-java returns no hooks) and {@link #restore} turns the keys back. The
 * prefix is undone exactly, even where a chart already contained it. A key assembled at render time from pieces is
 * not seen: such a hook is dropped, as {@code helm template} without hooks would.</li>
 * <li>{@code .Capabilities.APIVersions.Has ...} in templates is answered from the target cluster's discovery
 * (group/versions and group/version/Kinds, as {@code helm install} sees them), not from the library's built-in
 * list.</li>
 * <li>each chart (and unpacked subchart) with a {@code crds/} directory gets one more template,
 * {@value #CRD_TEMPLATE}, that names its {@code crds/} files. Helm's own loader and dependency processing then decide
 * which CRDs exist, as for {@code helm install}: {@code .helmignore} is honoured and the CRDs of a disabled subchart
 * are left out. Capstan reads the files named from the chart as committed.</li>
 * </ul>
 */
final class ChartRewrite {
    static final String HOOK_KEY = "helm.sh/hook";
    static final String HELD_PREFIX = "capstan-held.";
    /** The template added to a chart that has {@code crds/}; its output is the chart's CRDs. */
    static final String CRD_TEMPLATE = "capstan-held-crds.yaml";
    /** Names, in the output, a {@code crds/} file Helm would install. */
    static final String CRD_MARKER = "# capstan-crd: ";
    private static final Pattern CHART_ROOT = Pattern.compile("((?:charts/[^/]+/)*)Chart\\.yaml");
    private static final Pattern HAS_CALL = Pattern.compile("[$\\w.]*\\.Capabilities\\.APIVersions\\.Has\\b");
    /** A packaged subchart unpacks to at most this, and to at most {@link #MAX_EXPANSION} times its size. */
    private static final long MAX_ARCHIVE_BYTES = 16L * 1024 * 1024;
    private static final int MAX_EXPANSION = 100;

    private ChartRewrite() {
    }

    /** The chart's files as Helm's engine is to see them. */
    static Map<String, byte[]> rewrite(String chart, Map<String, byte[]> files, Capabilities capabilities) {
        String hasReplacement = hasReplacement(capabilities);
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((path, bytes) -> {
            if (path.endsWith(".tgz") && path.startsWith("charts/")) {
                refuseArchivedHooks(chart, path, bytes);
                out.put(path, bytes);
                return;
            }
            String text = utf8(bytes);
            if (text == null) {
                out.put(path, bytes);
                return;
            }
            String rewritten = text.replace(HOOK_KEY, HELD_PREFIX + HOOK_KEY);
            if (isTemplate(path)) {
                rewritten = HAS_CALL.matcher(rewritten).replaceAll(Matcher.quoteReplacement(hasReplacement));
            }
            out.put(path, rewritten.getBytes(StandardCharsets.UTF_8));
        });
        for (String root : chartRoots(files)) {
            boolean hasCrds = files.keySet().stream().anyMatch(path -> path.startsWith(root + "crds/"));
            if (hasCrds) {
                out.put(root + "templates/" + CRD_TEMPLATE, crdTemplate(root).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Whether a rendered manifest's source is the CRD template of the chart or of a subchart. */
    static boolean isCrdTemplate(String source) {
        return source.endsWith("templates/" + CRD_TEMPLATE);
    }

    /** {@code ""} for the chart itself and {@code charts/x/} (and deeper) for each unpacked subchart. */
    private static java.util.List<String> chartRoots(Map<String, byte[]> files) {
        return files.keySet().stream().map(CHART_ROOT::matcher).filter(Matcher::matches).map(m -> m.group(1))
                .sorted().toList();
    }

    /**
     * Names the files of {@code crds/} with a manifest extension (as Helm's {@code CRDObjects}), one marker line each:
     * Helm decides which exist (its loader applies {@code .helmignore}; a disabled subchart's templates do not run),
     * and Capstan reads them from the chart as committed, never evaluated.
     */
    private static String crdTemplate(String root) {
        return """
                {{- range $path, $_ := .Files.Glob "crds/**" }}
                {{- if or (hasSuffix ".yaml" $path) (hasSuffix ".yml" $path) (hasSuffix ".json" $path) }}
                MARKER{{ $path }}
                {{- end }}
                {{- end }}
                """.replace("MARKER", CRD_MARKER + root);
    }

    /** The rendered output with the chart's own hook annotation keys back. */
    static String restore(String rendered) {
        return rendered.replace(HELD_PREFIX + HOOK_KEY, HOOK_KEY);
    }

    private static boolean isTemplate(String path) {
        return path.startsWith("templates/") || path.matches("(charts/[^/]+/)+templates/.*");
    }

    /** {@code hasKey (dict "apps/v1" true ...)}: a Sprig call Helm's engine has, taking the argument that follows. */
    private static String hasReplacement(Capabilities capabilities) {
        StringBuilder dict = new StringBuilder("hasKey (dict");
        for (String version : capabilities.apiVersions().sorted()) {
            dict.append(" \"").append(version.replace("\\", "").replace("\"", "")).append("\" true");
        }
        return dict.append(')').toString();
    }

    /**
     * A packaged subchart cannot be rewritten in place; one that carries hooks is refused rather than deployed with
     * its hooks silently missing.
     */
    private static void refuseArchivedHooks(String chart, String path, byte[] bytes) {
        // Read as a stream, never whole: a gzip bomb is refused by its expansion, not unpacked into the heap.
        long limit = Math.min(MAX_ARCHIVE_BYTES, (long) bytes.length * MAX_EXPANSION);
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte[] buffer = new byte[64 * 1024];
            String carried = "";
            long unpacked = 0;
            int read;
            while ((read = in.read(buffer)) > 0) {
                unpacked += read;
                if (unpacked > limit) {
                    throw new ChartException(chart, path, 0, "packaged subchart unpacks to more than "
                            + (unpacked > MAX_ARCHIVE_BYTES ? (MAX_ARCHIVE_BYTES >> 20) + " MiB"
                            : MAX_EXPANSION + " times its packed size (" + bytes.length + " bytes)"));
                }
                String window = carried + new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
                if (window.contains(HOOK_KEY)) {
                    throw new ChartException(chart, path, 0, "this packaged subchart contains Helm hooks ("
                            + HOOK_KEY + "), which Capstan can only run from an unpacked subchart: unpack it into "
                            + "charts/<name>/ (tar xzf) and commit the directory");
                }
                carried = window.substring(Math.max(0, window.length() - HOOK_KEY.length() + 1));
            }
        } catch (IOException e) {
            throw new ChartException(chart, path, 0, "not a readable .tgz subchart: " + e.getMessage());
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
