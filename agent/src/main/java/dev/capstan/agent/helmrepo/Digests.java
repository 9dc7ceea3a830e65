package dev.capstan.agent.helmrepo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests as registries and Helm write them: {@code sha256:<64 hex>}. */
final class Digests {
    static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private Digests() {
    }

    static String sha256(byte[] bytes) {
        return "sha256:" + hex(bytes);
    }

    static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static boolean valid(String digest) {
        return SHA256.matcher(digest).matches();
    }
}
