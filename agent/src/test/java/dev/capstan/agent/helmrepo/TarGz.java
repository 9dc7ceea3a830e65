package dev.capstan.agent.helmrepo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Writes tar.gz archives entry by entry, including the entries an attacker would write (links, ../, /abs). */
final class TarGz {
    private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

    TarGz file(String name, String content) {
        return entry(name, '0', content.getBytes(StandardCharsets.UTF_8), "");
    }

    TarGz entry(String name, char type, byte[] content, String linkTarget) {
        byte[] header = new byte[512];
        put(header, 0, name, 100);
        put(header, 100, "0000644", 8);
        put(header, 108, "0000000", 8);
        put(header, 116, "0000000", 8);
        put(header, 124, String.format("%011o", content.length), 12);
        put(header, 136, String.format("%011o", 0), 12);
        header[156] = (byte) type;
        put(header, 157, linkTarget, 100);
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum), 7);
        tar.writeBytes(header);
        tar.writeBytes(content);
        tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    byte[] gzip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(tar.toByteArray());
            gz.write(new byte[1024]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A small chart named {@code name} at {@code version}, one ConfigMap template. */
    static byte[] chart(String name, String version) {
        return new TarGz()
                .file(name + "/Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n")
                .file(name + "/values.yaml", "greeting: hello\n")
                .file(name + "/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
                        + "{{ .Release.Name }}-" + name + "\ndata:\n  greeting: {{ .Values.greeting | quote }}\n")
                .gzip();
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
