package dev.capstan.testcluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * OpenSSH's sshd on a loopback port with throwaway keys, for git over SSH in the tests: one host key, one client key
 * allowed to log in as the current user. Needs root (sshd) and Debian's openssh-server.
 */
public final class GitSshServer implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final int port;
    private final TetheredProcess process;

    private GitSshServer(Path dir, int port, TetheredProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static GitSshServer start(Path dir) throws IOException {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: apt-get install openssh-server (.ci/run does)");
        }
        Files.createDirectories(dir);
        Files.createDirectories(Path.of("/run/sshd"));
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("client_key"));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        int port = LocalCluster.freePort();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "LogLevel ERROR",
                ""));
        TetheredProcess sshd = TetheredProcess.start("sshd", dir, List.of(SSHD.toString(), "-D", "-e", "-f",
                dir.resolve("sshd_config").toString()));
        GitSshServer server = new GitSshServer(dir, port, sshd);
        Files.writeString(server.knownHosts(), "[127.0.0.1]:" + port + " "
                + Files.readString(dir.resolve("host_key.pub")).strip() + "\n");
        Awaitility.await("sshd listening").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!sshd.isAlive()) {
                        throw new IllegalStateException("sshd exited: " + sshd.logTail(20));
                    }
                    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
        return server;
    }

    /** The SSH URL of a bare repository on this machine. */
    public String url(Path bareRepository) {
        return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + bareRepository.toAbsolutePath();
    }

    public Path clientKey() {
        return dir.resolve("client_key");
    }

    /** known_hosts with this server's real host key. */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** known_hosts that lists another key for this server: what a man in the middle looks like. */
    public Path wrongKnownHosts() throws IOException {
        Path other = dir.resolve("other_key");
        if (!Files.exists(other)) {
            keygen(other);
        }
        Path file = dir.resolve("known_hosts_wrong");
        Files.writeString(file, "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve("other_key.pub")).strip()
                + "\n");
        return file;
    }

    private static void keygen(Path key) throws IOException {
        Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C",
                "capstan-test", "-f", key.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IOException("ssh-keygen failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
