package dev.capstan.agent.drift;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces every value of a Secret's {@code data} and {@code stringData} with a salted hash before anything is
 * compared, diffed or reported: equal values give equal hashes, so drift is still visible, but no value (nor an
 * unsalted hash one could look up) ever leaves the agent. The salt is random per agent process.
 */
public final class SecretMask {
    private final byte[] salt;

    public SecretMask() {
        this.salt = new byte[32];
        new SecureRandom().nextBytes(salt);
    }

    /** A copy of {@code object} with secret values masked; other kinds are returned as they are. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> mask(String kind, Map<String, Object> object) {
        if (!"Secret".equals(kind) || object == null) {
            return object;
        }
        Map<String, Object> copy = new LinkedHashMap<>(object);
        for (String field : new String[] {"data", "stringData"}) {
            if (copy.get(field) instanceof Map<?, ?> values) {
                Map<String, Object> masked = new LinkedHashMap<>();
                ((Map<String, Object>) values).forEach((k, v) -> masked.put(k, hash(String.valueOf(v))));
                copy.put(field, masked);
            }
        }
        return copy;
    }

    String hash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return "masked:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
