package dev.capstan.agent.config;

import java.nio.file.Path;

/** How the agent authenticates to the git remote. */
public sealed interface GitAuth {

    /** Public repositories and {@code file://}. */
    record None() implements GitAuth {
    }

    /** HTTPS with an access token as the password (GitHub, GitLab, Gitea all accept this). */
    record Token(String username, SecretRef token) implements GitAuth {
    }

    /** HTTPS basic authentication. */
    record Basic(String username, SecretRef password) implements GitAuth {
    }

    /** SSH with a private key; the server's key must be in {@code knownHosts} (strict: no trust on first use). */
    record Ssh(Path privateKey, Path knownHosts) implements GitAuth {
    }
}
