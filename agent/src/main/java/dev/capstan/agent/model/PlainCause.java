package dev.capstan.agent.model;

import java.io.FileNotFoundException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The cause of a failed network call in plain words ("connection refused", "TLS: the server's certificate is not
 * trusted") from the chain of exceptions, for errors people read: the CLI, logs, {@code /api/status}. Libraries wrap
 * the real cause ("An error has occurred.", "Operation: [list] ... failed."); the innermost known one is what to say
 * (the JDK's client puts a ClosedChannelException under "connection refused": not a cause people need).
 */
public final class PlainCause {
    private PlainCause() {
    }

    /** Plain words for {@code failure}'s most telling cause; its own message when none is known. */
    public static String of(Throwable failure) {
        return known(failure).orElseGet(() -> messageOf(deepestWithMessage(failure)));
    }

    /** Plain words for the innermost cause in {@code failure}'s chain that this class knows; empty if none. */
    public static Optional<String> known(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        String found = null;
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String known = plain(t);
            if (known != null) {
                found = known;
            }
        }
        return Optional.ofNullable(found);
    }

    private static String plain(Throwable t) {
        return switch (t) {
            case ConnectException e -> "connection refused";
            case HttpConnectTimeoutException e -> "no answer to connecting (timed out)";
            case HttpTimeoutException e -> "no answer in time (timed out)";
            case SocketTimeoutException e -> "no answer in time (timed out)";
            case UnknownHostException e -> "unknown host " + e.getMessage();
            case UnresolvedAddressException e -> "the host name does not resolve";
            case NoRouteToHostException e -> "no route to the host";
            case CertPathValidatorException e -> "TLS: the server's certificate is not trusted";
            case SSLHandshakeException e -> tls(e);
            case SSLException e -> "TLS: " + messageOf(e);
            case CertificateException e -> "TLS: bad certificate (" + messageOf(e) + ")";
            case TimeoutException e -> "no answer in time (timed out)";
            case InterruptedIOException e -> "interrupted";
            case FileNotFoundException e -> "file not found: " + messageOf(e);
            case NoSuchFileException e -> "no such file: " + e.getFile();
            case AccessDeniedException e -> "permission denied: " + e.getFile();
            default -> null;
        };
    }

    private static String tls(SSLHandshakeException e) {
        String message = messageOf(e);
        if (message.contains("PKIX") || message.contains("unable to find valid certification path")) {
            return "TLS: the server's certificate is not trusted";
        }
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "TLS: the server's certificate is for another host name";
        }
        return "TLS handshake failed: " + message;
    }

    private static Throwable deepestWithMessage(Throwable failure) {
        Throwable deepest = failure;
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                deepest = t;
            }
        }
        return deepest;
    }

    private static String messageOf(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message.strip();
    }
}
