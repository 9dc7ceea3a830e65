package dev.capstan.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.NoSuchFileException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class PlainCauseTest {
    @Test
    void aLibrarysVagueWrapperGivesWayToTheRealCause() {
        var wrapped = new KubernetesClientException("An error has occurred.",
                new IOException("wrapper", new ConnectException()));

        assertThat(PlainCause.of(wrapped)).isEqualTo("connection refused");
    }

    @Test
    void tlsFailuresAreSaidPlainly() {
        var untrusted = new SSLHandshakeException("PKIX path building failed: unable to find valid certification"
                + " path to requested target");
        var otherHost = new SSLHandshakeException("No subject alternative names matching IP address 10.0.0.1 found");

        assertThat(PlainCause.of(new IOException(untrusted))).isEqualTo("TLS: the server's certificate is not trusted");
        assertThat(PlainCause.of(otherHost)).isEqualTo("TLS: the server's certificate is for another host name");
    }

    @Test
    void namesAndTimeouts() {
        assertThat(PlainCause.of(new UnknownHostException("git.example.invalid")))
                .isEqualTo("unknown host git.example.invalid");
        assertThat(PlainCause.of(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isEqualTo("no answer to connecting (timed out)");
        assertThat(PlainCause.of(new NoSuchFileException("/etc/token"))).isEqualTo("no such file: /etc/token");
    }

    @Test
    void anUnknownCauseIsItsDeepestMessageOrItsType() {
        assertThat(PlainCause.known(new IllegalStateException("outer", new IllegalArgumentException("inner"))))
                .isEmpty();
        assertThat(PlainCause.of(new IllegalStateException("outer", new IllegalArgumentException("inner"))))
                .isEqualTo("inner");
        assertThat(PlainCause.of(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
