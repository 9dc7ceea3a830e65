package dev.capstan.testcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Sends push deliveries exactly as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
public final class WebhookSender {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI endpoint;
    private final String secret;

    public WebhookSender(String agentBaseUrl, String secret) {
        this.endpoint = URI.create(agentBaseUrl + "/webhooks/github");
        this.secret = secret;
    }

    /** Returns the HTTP status the agent answered. */
    public int push(String ref, String after) {
        String body = "{\"ref\":\"" + ref + "\",\"after\":\"" + after + "\",\"repository\":{\"name\":\"deploy\"}}";
        return send("push", body, signature(body), UUID.randomUUID().toString());
    }

    public int send(String event, String body, String signature, String deliveryId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", deliveryId)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String signature(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
