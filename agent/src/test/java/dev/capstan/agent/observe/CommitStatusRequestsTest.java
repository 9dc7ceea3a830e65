package dev.capstan.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.config.CommitStatusConfig;
import dev.capstan.agent.config.SecretRef;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommitStatusRequestsTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void gitlabGetsTheProjectPathEncodedAndItsOwnStateNames() {
        CommitStatusConfig gitlab = new CommitStatusConfig(CommitStatusConfig.Provider.GITLAB,
                URI.create("https://gitlab.example.com/api/v4/"), "group/sub/deploy",
                new SecretRef.FromFile(Path.of("/t")), Optional.empty());

        var request = CommitStatusRequests.request(gitlab, new CommitStatus(SHA, "capstan/prod",
                CommitStatus.State.RUNNING, "web rolling out", ""), "tok");

        assertThat(request.uri()).hasToString("https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fdeploy"
                + "/statuses/" + SHA);
        assertThat(request.headers().firstValue("PRIVATE-TOKEN")).contains("tok");
        assertThat(request.headers().firstValue("Authorization")).isEmpty();
    }

    @Test
    void onlyACommitIdGoesIntoThePath() {
        CommitStatusConfig github = new CommitStatusConfig(CommitStatusConfig.Provider.GITHUB,
                URI.create("https://api.github.com"), "shop/deploy", new SecretRef.FromFile(Path.of("/t")),
                Optional.empty());

        assertThatThrownBy(() -> CommitStatusRequests.request(github, new CommitStatus("../../orgs/shop",
                "capstan/prod", CommitStatus.State.SUCCESS, "ok", ""), "tok"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a commit id");
    }
}
