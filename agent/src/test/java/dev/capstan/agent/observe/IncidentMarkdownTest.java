package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.drift.ManifestDiff;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.git.CommitInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentMarkdownTest {
    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void theDraftHasTheTimelineTheSignalTheCommitTheDiffAndEmptyReviewSections() {
        Incident incident = Incident.builder().id("api-prod-r2").unit("api/prod").status("resolved").openedAt(T)
                .summary("api/prod: automatic rollback").impact("revision 2 failed its health gate; rolled back")
                .timeline(List.of(new Incident.TimelineEntry(T, "commit fetched"),
                        new Incident.TimelineEntry(T.plusSeconds(2), "failure detected | gate full")))
                .signals(List.of("Deployment api: CrashLoopBackOff")).commit("abc123")
                .commitInfo(new CommitInfo("Ada", "ada@example.com", T.minusSeconds(60), "api: new image\n\nbody"))
                .failedRevision(2).restoredRevision(3).manifestDiff("-image: api:1\n+image: api:2\n").build();

        String markdown = IncidentMarkdown.render(incident);

        assertThat(markdown).contains("# Incident api-prod-r2: ` api/prod: automatic rollback `",
                "| 2026-11-22T10:00:02Z | ` failure detected \\| gate full ` |",
                "- ` Deployment api: CrashLoopBackOff `", "**Author:** ` Ada <ada@example.com> `",
                "**Message:** ` api: new image `", "```diff\n-image: api:1",
                "## What went well\n\n- \n", "## Action items\n\n- \n");
    }

    @Test
    void textFromGitIsNeverMarkupHtmlOrALink() {
        String subject = "fix <img src=x onerror=alert(1)> [click](https://evil.example) ``` **bold** `x`";
        Incident incident = Incident.builder().id("a-r2").unit("api/prod").status("open").openedAt(T)
                .summary("api/prod: automatic rollback").impact("impact")
                .timeline(List.of(new Incident.TimelineEntry(T, "commit abc authored by Eve: " + subject)))
                .signals(List.of("<script>alert(1)</script>")).commit("abc123")
                .commitInfo(new CommitInfo("Eve <b>", "eve@example.com", T, subject + "\n\n# heading"))
                .failedRevision(2).restoredRevision(1).build();

        String markdown = IncidentMarkdown.render(incident);

        assertThat(markdown).contains("**Message:** ```` " + subject + " ````")
                .contains("- ` <script>alert(1)</script> `")
                .contains("**Author:** ` Eve <b> <eve@example.com> `");
        assertThat(markdown.lines().filter(l -> l.contains("onerror"))).allSatisfy(line ->
                assertThat(line).containsPattern("`{4} .*onerror.* `{4}"));
    }

    @Test
    void theManifestDiffShowsWhatChangedButNoSecretValue() {
        String good = """
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: token, namespace: prod}
                stringData: {token: very-secret-one}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg, namespace: prod}
                data: {level: info}
                """;
        String bad = good.replace("very-secret-one", "very-secret-two").replace("level: info", "level: debug");

        String diff = new ManifestDiff(new SecretMask()).between("api", "revision-1", good, "revision-2", bad);

        assertThat(diff).contains("--- revision-1", "+++ revision-2", "-  level: info", "+  level: debug")
                .doesNotContain("very-secret-one", "very-secret-two").contains("masked:");
    }
}
