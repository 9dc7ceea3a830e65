package dev.capstan.agent.git;

import dev.capstan.agent.config.GitAuth;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Applies the configured {@link GitAuth} to a JGit command. Secrets are read at each use (a rotated token file is
 * picked up) and never put in a URL, so they cannot surface in an error message.
 */
final class GitCredentials implements AutoCloseable {
    private final GitAuth auth;
    private final SshdSessionFactory ssh;

    GitCredentials(GitAuth auth, Path sshHome) {
        this.auth = auth;
        this.ssh = auth instanceof GitAuth.Ssh key ? sshFactory(key, sshHome) : null;
    }

    void apply(TransportCommand<?, ?> command) {
        switch (auth) {
            case GitAuth.None none -> { }
            case GitAuth.Token token -> command.setCredentialsProvider(
                    credentials(token.username(), token.token().read().value()));
            case GitAuth.Basic basic -> command.setCredentialsProvider(
                    credentials(basic.username(), basic.password().read().value()));
            case GitAuth.Ssh key -> command.setTransportConfigCallback(transport -> {
                if (transport instanceof SshTransport sshTransport) {
                    sshTransport.setSshSessionFactory(ssh);
                }
            });
        }
    }

    private static CredentialsProvider credentials(String username, String secret) {
        return new UsernamePasswordCredentialsProvider(username, secret);
    }

    /** Only the configured key, only the configured known_hosts, no ~/.ssh, no agent, no trust on first use. */
    private static SshdSessionFactory sshFactory(GitAuth.Ssh key, Path sshHome) {
        File home = sshHome.toFile();
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(home)
                .setSshDirectory(home)
                .setConfigFile(dir -> null)
                .setPreferredAuthentications("publickey")
                .setDefaultIdentities(dir -> List.of(key.privateKey()))
                .setDefaultKnownHostsFiles(dir -> List.of(key.knownHosts()))
                .setServerKeyDatabase((homeDir, sshDir) -> new StrictKnownHosts(key.knownHosts()))
                .build(null);
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }

    /** Accepts a server only if its key is listed for it in known_hosts; never asks, never learns. */
    private record StrictKnownHosts(Path knownHosts) implements ServerKeyDatabase {
        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress,
                                      Configuration config) {
            return delegate().lookup(connectAddress, remoteAddress, config);
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                              Configuration config, CredentialsProvider provider) {
            if (!Files.isReadable(knownHosts)) {
                return false;
            }
            return lookup(connectAddress, remoteAddress, config).stream()
                    .anyMatch(known -> KeyUtils.compareKeys(known, serverKey));
        }

        private ServerKeyDatabase delegate() {
            return new org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase(false, List.of(knownHosts));
        }
    }
}
