package dev.capstan.agent.helmrepo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A chart archive unpacked into memory, as Helm's loader reads one: a gzip'd tar whose entries all sit under one
 * top directory (the chart's name), which is dropped. Only regular files and directories are read; a link of any
 * kind, an absolute path, a {@code ..} segment or a second top directory refuses the whole archive, and the unpacked
 * size and file count are bounded (a gzip bomb stops at the bound, not at the end of memory). Nothing is written to
 * disk here.
 */
final class ChartArchive {
    static final long MAX_UNPACKED_BYTES = 64L * 1024 * 1024;
    static final long MAX_FILE_BYTES = 8L * 1024 * 1024;
    static final int MAX_FILES = 10_000;
    private static final int BLOCK = 512;

    private ChartArchive() {
    }

    /** The archive's files by path under its top directory; {@code what} names it in errors. */
    static Map<String, byte[]> unpack(byte[] archive, String what) {
        Map<String, byte[]> files = new TreeMap<>();
        String top = null;
        long total = 0;
        try (InputStream in = new RegistryHttp.BoundedStream(new GZIPInputStream(new ByteArrayInputStream(archive)),
                MAX_UNPACKED_BYTES + MAX_FILES * 2L * BLOCK, what + " unpacked")) {
            String longName = null;
            String paxPath = null;
            byte[] header = new byte[BLOCK];
            while (true) {
                if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
                    throw refused(what, "the archive ends in the middle of an entry");
                }
                if (allZero(header)) {
                    break;
                }
                long size = size(header, what);
                char type = (char) header[156];
                byte[] data = readEntry(in, size, type, what);
                switch (type) {
                    case 'L' -> {
                        longName = cString(data);
                        continue;
                    }
                    case 'x' -> {
                        paxPath = paxPath(data).orElse(paxPath);
                        continue;
                    }
                    case 'g' -> {
                        continue;
                    }
                    default -> {
                    }
                }
                String name = paxPath != null ? paxPath : longName != null ? longName : headerName(header);
                longName = null;
                paxPath = null;
                if (type == '1' || type == '2') {
                    throw refused(what, name + " is a link; a chart archive holds only files and directories");
                }
                if (type != '0' && type != '\0' && type != '5' && type != '7') {
                    throw refused(what, name + " is not a regular file or directory (tar type '" + type + "')");
                }
                String path = checkedPath(name, what);
                int slash = path.indexOf('/');
                String first = slash < 0 ? path : path.substring(0, slash);
                if (top == null) {
                    top = first;
                } else if (!top.equals(first)) {
                    throw refused(what, "entries under both " + top + "/ and " + first + "/; a chart archive has one "
                            + "top directory");
                }
                if (type == '5' || slash < 0) {
                    continue;
                }
                if (files.size() >= MAX_FILES) {
                    throw refused(what, "more than " + MAX_FILES + " files");
                }
                total += data.length;
                if (total > MAX_UNPACKED_BYTES) {
                    throw refused(what, "larger than " + RegistryHttp.size(MAX_UNPACKED_BYTES) + " unpacked");
                }
                if (files.put(path.substring(slash + 1), data) != null) {
                    throw refused(what, path + " appears twice");
                }
            }
        } catch (IOException e) {
            throw refused(what, "not a gzip'd tar archive (" + RegistryHttp.plain(e) + ")");
        }
        if (top == null || !files.containsKey("Chart.yaml")) {
            throw refused(what, "no Chart.yaml at the archive's top directory");
        }
        return files;
    }

    private static byte[] readEntry(InputStream in, long size, char type, String what) throws IOException {
        boolean content = type == '0' || type == '\0' || type == '7' || type == 'L' || type == 'x' || type == 'g';
        if (content && size > MAX_FILE_BYTES) {
            throw refused(what, "holds a file larger than " + RegistryHttp.size(MAX_FILE_BYTES));
        }
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if (!content) {
            // Links and devices have no content worth reading: the caller refuses them.
            return new byte[0];
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size || in.skip(padded - size) < padded - size) {
            throw refused(what, "the archive ends in the middle of an entry");
        }
        return data;
    }

    /** A tar path as a chart's: relative, plain segments only. */
    private static String checkedPath(String raw, String what) {
        String name = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        if (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw refused(what, "entry '" + printable(raw) + "' is not a relative path inside the chart");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw refused(what, "entry '" + printable(raw) + "' leaves the chart's directory");
            }
        }
        return name;
    }

    private static String headerName(byte[] header) {
        String name = cString(java.util.Arrays.copyOfRange(header, 0, 100));
        String magic = new String(header, 257, 5, StandardCharsets.US_ASCII);
        String prefix = magic.equals("ustar") ? cString(java.util.Arrays.copyOfRange(header, 345, 500)) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static long size(byte[] header, String what) {
        if ((header[124] & 0x80) != 0) {
            // Base-256: only sizes far beyond any bound here use it.
            throw refused(what, "holds a file larger than " + RegistryHttp.size(MAX_FILE_BYTES));
        }
        String octal = cString(java.util.Arrays.copyOfRange(header, 124, 136)).strip();
        try {
            return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
        } catch (NumberFormatException e) {
            throw refused(what, "an entry's size is unreadable");
        }
    }

    private static java.util.Optional<String> paxPath(byte[] data) {
        // Records of "<length> <key>=<value>\n".
        String text = new String(data, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return java.util.Optional.of(record.substring(space + 6));
            }
        }
        return java.util.Optional.empty();
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.chars().limit(120).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return out.toString();
    }

    private static ChartFetchException refused(String what, String problem) {
        return new ChartFetchException(what + ": " + problem + "; nothing rendered from it");
    }
}
