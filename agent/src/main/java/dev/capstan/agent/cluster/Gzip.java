package dev.capstan.agent.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Text packed for a record (a Secret holds at most 1 MiB): gzip, and unpacking with a cap. */
public final class Gzip {
    private Gzip() {
    }

    public static byte[] pack(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The text, or an {@link IOException} if it is not gzip or unpacks to more than {@code maxBytes}. */
    public static String unpack(byte[] packed, int maxBytes) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(packed))) {
            byte[] text = in.readNBytes(maxBytes + 1);
            if (text.length > maxBytes) {
                throw new IOException("larger than " + maxBytes + " bytes unpacked");
            }
            return new String(text, StandardCharsets.UTF_8);
        }
    }
}
