package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.GitAuth;
import dev.capstan.agent.config.SecretRef;
import dev.capstan.agent.git.GitSource;
import dev.capstan.agent.git.GitSourceException;
import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.GitHttpServer;
import dev.capstan.testcluster.GitSshServer;
import dev.capstan.testcluster.LocalGitRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JGit against real servers on loopback: git http-backend (smart HTTP, basic auth) and OpenSSH's sshd. */
class GitRemoteIT {
    private static final String PASSWORD = "pa55-w0rd-never-logged";

    @TempDir
    Path temp;
    private LocalGitRepo repo;

    @BeforeEach
    void createRepository() {
        repo = LocalGitRepo.fromDirectory(ClusterBinaries.repoRoot().resolve("examples"), temp.resolve("git"));
    }

    @Test
    void basicAuthOverSmartHttp() throws IOException {
        try (GitHttpServer server = GitHttpServer.start(temp.resolve("git"), "deployer", PASSWORD)) {
            Path passwordFile = secretFile(PASSWORD);

            try (GitSource source = source(server.url("remote.git"), new GitAuth.Basic("deployer",
                    new SecretRef.FromFile(passwordFile)))) {
                assertThat(source.fetch().commit()).isEqualTo(repo.remoteHead());
            }
        }
    }

    @Test
    void aTokenIsSentAsThePassword() throws IOException {
        try (GitHttpServer server = GitHttpServer.start(temp.resolve("git"), "git", PASSWORD)) {
            try (GitSource source = source(server.url("remote.git"), new GitAuth.Token("git",
                    new SecretRef.FromFile(secretFile(PASSWORD))))) {
                assertThat(source.fetch().commit()).isEqualTo(repo.remoteHead());
            }
        }
    }

    @Test
    void wrongCredentialsFailWithoutShowingThem() throws IOException {
        try (GitHttpServer server = GitHttpServer.start(temp.resolve("git"), "deployer", PASSWORD);
                GitSource source = source(server.url("remote.git"), new GitAuth.Basic("deployer",
                        new SecretRef.FromFile(secretFile("wrong-" + PASSWORD))))) {
            assertThatThrownBy(source::fetch).isInstanceOf(GitSourceException.class)
                    .hasMessageContaining("not authorized")
                    .message().doesNotContain(PASSWORD);
        }
    }

    @Test
    void aRemoteThatIsDownIsNamedWithTheCauseInPlainWords() {
        try (GitSource source = source("http://127.0.0.1:1/git/remote.git", new GitAuth.None())) {
            assertThatThrownBy(source::fetch).isInstanceOf(GitSourceException.class)
                    .hasMessageStartingWith("fetch of branch 'main' from http://127.0.0.1:1/git/remote.git failed: "
                            + "connection refused (");
        }
    }

    @Test
    void anUnreadableSecretIsNamedByItsLocationOnly() {
        try (GitSource source = source("http://127.0.0.1:1/git/remote.git", new GitAuth.Basic("deployer",
                new SecretRef.FromFile(temp.resolve("missing-password"))))) {
            assertThatThrownBy(source::fetch).isInstanceOf(GitSourceException.class)
                    .hasMessage("credentials: secret file " + temp.resolve("missing-password") + " cannot be read");
        }
    }

    @Test
    void sshWithAKnownHostKey() throws IOException {
        try (GitSshServer ssh = GitSshServer.start(temp.resolve("ssh"));
                GitSource source = source(ssh.url(repo.remote()), new GitAuth.Ssh(ssh.clientKey(),
                        ssh.knownHosts()))) {
            assertThat(source.fetch().commit()).isEqualTo(repo.remoteHead());
            repo.write("charts/orders/values.staging.yaml", "replicaCount: 2\n");
            String second = repo.commitAndPush("second");
            assertThat(source.fetch().commit()).isEqualTo(second);
        }
    }

    @Test
    void sshRefusesAHostWhoseKeyIsNotTheKnownOne() throws IOException {
        try (GitSshServer ssh = GitSshServer.start(temp.resolve("ssh"));
                GitSource source = source(ssh.url(repo.remote()), new GitAuth.Ssh(ssh.clientKey(),
                        ssh.wrongKnownHosts()))) {
            assertThatThrownBy(source::fetch).isInstanceOf(GitSourceException.class)
                    .hasMessageContaining("fetch of branch 'main' from ssh://").hasMessageContaining(" failed: ");
        }
    }

    @Test
    void aForcePushOverHttpIsFollowed() throws IOException {
        try (GitHttpServer server = GitHttpServer.start(temp.resolve("git"));
                GitSource source = source(server.url("remote.git"), new GitAuth.None())) {
            repo.pushTo(server.url("remote.git"));
            repo.write("README.md", "pushed over http\n");
            String first = repo.commitAndPush("pushed over http");
            assertThat(source.fetch().commit()).isEqualTo(first);

            LocalGitRepo.git(repo.workTree(), "reset", "-q", "--hard", "HEAD~1");
            repo.write("README.md", "rewritten history\n");
            LocalGitRepo.git(repo.workTree(), "add", "-A");
            LocalGitRepo.git(repo.workTree(), "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q",
                    "-m", "rewrite");
            LocalGitRepo.git(repo.workTree(), "push", "-q", "--force", "origin", "main");

            assertThat(source.fetch().commit()).isEqualTo(repo.remoteHead()).isNotEqualTo(first);
        }
    }

    private GitSource source(String url, GitAuth auth) {
        AgentConfig.Resilience quick = new AgentConfig.Resilience(1, Duration.ofMillis(10), 5, Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        return new GitSource(new AgentConfig.Repo(url, "main", Duration.ofSeconds(1), auth, quick),
                temp.resolve("cache-" + System.nanoTime()));
    }

    private Path secretFile(String value) throws IOException {
        Path file = temp.resolve("secret-" + System.nanoTime());
        Files.writeString(file, value + "\n");
        return file;
    }
}
