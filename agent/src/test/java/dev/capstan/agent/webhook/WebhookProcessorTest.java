package dev.capstan.agent.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.config.WebhookConfig.Provider;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WebhookProcessorTest {
    private static final String SECRET = "It's a Secret to Everybody";
    private static final String PUSH_MAIN = "{\"ref\":\"refs/heads/main\",\"after\":\"abc123\",\"commits\":[]}";

    private final WebhookProcessor processor = new WebhookProcessor("main",
            p -> p == Provider.GENERIC ? Optional.empty() : Optional.of(SECRET));

    @Test
    void aSignedGithubPushToTheTrackedBranchSchedulesAFetch() {
        WebhookProcessor.Decision decision = github("push", PUSH_MAIN, sign(PUSH_MAIN), "d-1");

        assertThat(decision).isEqualTo(new WebhookProcessor.Decision(202, "accepted",
                "fetch scheduled for refs/heads/main", true));
    }

    @Test
    void githubsDocumentedTestVectorVerifies() {
        // From GitHub's "Validating webhook deliveries" documentation.
        assertThat(HexFormat.of().formatHex(Signatures.hmac(SECRET, "Hello, World!".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void wrongOrMissingSignaturesAreRejectedWithoutAFetch() {
        assertThat(github("push", PUSH_MAIN, sign("{}"), "d-2").status()).isEqualTo(401);
        assertThat(github("push", PUSH_MAIN, null, "d-3").status()).isEqualTo(401);
        assertThat(github("push", PUSH_MAIN, "sha256=zz", "d-4").status()).isEqualTo(401);
        assertThat(github("push", PUSH_MAIN, sign(PUSH_MAIN).replace("sha256=", ""), "d-5").status())
                .isEqualTo(401);
        assertThat(github("push", PUSH_MAIN, null, "d-6").fetch()).isFalse();
    }

    @Test
    void pushesToOtherBranchesPingsAndOtherEventsAreIgnored() {
        String dev = "{\"ref\":\"refs/heads/dev\",\"after\":\"abc\"}";

        assertThat(github("push", dev, sign(dev), "d-7")).isEqualTo(new WebhookProcessor.Decision(202, "ignored",
                "push to refs/heads/dev, tracking refs/heads/main", false));
        assertThat(github("ping", "{\"zen\":\"hi\"}", sign("{\"zen\":\"hi\"}"), "d-8").status()).isEqualTo(200);
        WebhookProcessor.Decision issue = github("issues", "{}", sign("{}"), "d-9");
        assertThat(issue.status()).isEqualTo(202);
        assertThat(issue.fetch()).isFalse();
        assertThat(issue.reason()).contains("issues");
    }

    @Test
    void malformedPayloadsAreBadRequests() {
        assertThat(github("push", "{not json", sign("{not json"), "d-10").status()).isEqualTo(400);
        assertThat(github("push", "[1,2]", sign("[1,2]"), "d-11").reason()).contains("\"ref\"");
        assertThat(github(null, PUSH_MAIN, sign(PUSH_MAIN), "d-12").reason()).isEqualTo("missing event header");
    }

    @Test
    void aRedeliveryIsIgnored() {
        assertThat(github("push", PUSH_MAIN, sign(PUSH_MAIN), "same").fetch()).isTrue();

        WebhookProcessor.Decision again = github("push", PUSH_MAIN, sign(PUSH_MAIN), "same");

        assertThat(again.fetch()).isFalse();
        assertThat(again.reason()).isEqualTo("duplicate delivery same");
    }

    @Test
    void gitlabComparesItsTokenAndGiteaItsBareHmac() {
        Map<String, String> gitlab = headers("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET);
        Map<String, String> wrongToken = headers("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", SECRET + "x");
        String hex = sign(PUSH_MAIN).substring("sha256=".length());
        Map<String, String> gitea = headers("X-Gitea-Event", "push", "X-Gitea-Signature", hex);

        assertThat(processor.handle(Provider.GITLAB, gitlab::get, bytes(PUSH_MAIN)).fetch()).isTrue();
        assertThat(processor.handle(Provider.GITLAB, wrongToken::get, bytes(PUSH_MAIN)).status()).isEqualTo(401);
        assertThat(processor.handle(Provider.GITEA, gitea::get, bytes(PUSH_MAIN)).fetch()).isTrue();
    }

    @Test
    void anUnconfiguredProviderIsNotServed() {
        assertThat(processor.handle(Provider.GENERIC, headers()::get, bytes(PUSH_MAIN)).status()).isEqualTo(404);
    }

    private WebhookProcessor.Decision github(String event, String body, String signature, String delivery) {
        Map<String, String> headers = new HashMap<>();
        if (event != null) {
            headers.put("X-GitHub-Event", event);
        }
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        headers.put("X-GitHub-Delivery", delivery);
        return processor.handle(Provider.GITHUB, headers::get, bytes(body));
    }

    private static String sign(String body) {
        return "sha256=" + HexFormat.of().formatHex(Signatures.hmac(SECRET, bytes(body)));
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
