package dev.capstan.agent.webhook;

import dev.capstan.agent.config.WebhookConfig.Provider;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each provider's proof that a delivery is genuine, checked in constant time:
 * GitHub {@code X-Hub-Signature-256: sha256=<hmac>}, Gitea {@code X-Gitea-Signature: <hmac>}, GitLab
 * {@code X-Gitlab-Token: <secret>}, generic {@code X-Capstan-Signature: sha256=<hmac>} or bare hex (HMAC-SHA256 of
 * the body, hex).
 */
public final class Signatures {
    private Signatures() {
    }

    static boolean verify(Provider provider, Function<String, String> header, byte[] body, String secret) {
        if (secret == null || secret.isBlank()) {
            // Nothing proves a delivery against an empty secret: an empty token or an HMAC with an empty key.
            return false;
        }
        return switch (provider) {
            case GITHUB -> hmacMatches(header.apply("X-Hub-Signature-256"), true, body, secret);
            case GITEA, GENERIC -> hmacMatches(header.apply(provider == Provider.GITEA ? "X-Gitea-Signature"
                    : "X-Capstan-Signature"), false, body, secret);
            case GITLAB -> {
                String token = header.apply("X-Gitlab-Token");
                yield token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** {@code sha256=<hex>}, or also bare hex where the prefix is not required (Gitea, generic). */
    private static boolean hmacMatches(String signature, boolean prefixRequired, byte[] body, String secret) {
        if (signature == null) {
            return false;
        }
        String hex = signature.strip().toLowerCase(Locale.ROOT);
        if (hex.startsWith("sha256=")) {
            hex = hex.substring("sha256=".length());
        } else if (prefixRequired) {
            return false;
        }
        byte[] expected = hmac(secret, body);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    public static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
