package dev.capstan.agent.chart;

import dev.capstan.agent.model.ChartException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The files of one chart directory, keyed by path relative to the chart root ({@code templates/deployment.yaml}).
 * Rendering reads only from here, so a template can never reach a file outside its chart. {@code digest} identifies
 * the content: equal digests, equal charts (the renderer caches compiled templates by it).
 */
public record ChartFiles(String chartName, SortedMap<String, byte[]> files, String digest) {

    public ChartFiles {
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    public static ChartFiles of(String chartName, Map<String, byte[]> files) {
        TreeMap<String, byte[]> sorted = new TreeMap<>(files);
        return new ChartFiles(chartName, sorted, digest(chartName, sorted));
    }

    private static String digest(String chartName, SortedMap<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(chartName.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                sha.update((byte) 0);
                sha.update(file.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(file.getValue().length).array());
                sha.update(file.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public Optional<byte[]> bytes(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** Reads a file as strict UTF-8; a file that is not valid UTF-8 is a chart error naming the file. */
    public Optional<String> text(String path) {
        byte[] raw = files.get(path);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString());
        } catch (CharacterCodingException e) {
            throw new ChartException(chartName, path, 0, "file is not valid UTF-8");
        }
    }

    /** Macro files ({@code templates/_*.peb}): imported into every template, never rendered alone. */
    public List<String> partials() {
        return files.keySet().stream()
                .filter(p -> p.startsWith("templates/") && p.endsWith(".peb") && fileName(p).startsWith("_"))
                .toList();
    }

    /** Templates that render to manifests: {@code templates/*.yaml}, sorted; partials {@code _*} excluded. */
    public List<String> manifestTemplates() {
        return files.keySet().stream()
                .filter(p -> p.startsWith("templates/"))
                .filter(p -> p.endsWith(".yaml") || p.endsWith(".yml"))
                .filter(p -> !fileName(p).startsWith("_"))
                .toList();
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
