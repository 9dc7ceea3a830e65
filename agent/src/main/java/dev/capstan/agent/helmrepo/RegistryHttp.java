package dev.capstan.agent.helmrepo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * GET over HTTP for chart fetching: redirects followed by hand (at most {@value #MAX_REDIRECTS}, never from https
 * to http), the {@code Authorization} header sent only to the host it was meant for (a redirect to a storage
 * bucket does not get the registry's login), and every body read under a byte bound.
 */
final class RegistryHttp {
    private static final int MAX_REDIRECTS = 5;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final RepositoryAccess access;

    RegistryHttp(RepositoryAccess access) {
        this.access = access;
    }

    /** An answer read whole (its body at most the bound given). */
    record Answer(int status, HttpHeaders headers, byte[] body, URI uri) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    Answer get(URI uri, Map<String, String> headers, Optional<String> authorization, long maxBytes, String what) {
        Opened opened = open(uri, headers, authorization, what);
        try (InputStream body = opened.response.body()) {
            return new Answer(opened.response.statusCode(), opened.response.headers(),
                    readBounded(body, maxBytes, what), opened.uri);
        } catch (IOException e) {
            throw new ChartFetchException(what + ": " + plain(e));
        }
    }

    /** An answer whose body is read as a stream (a repository's index), bounded by {@code maxBytes}. */
    StreamedAnswer stream(URI uri, Optional<String> authorization, long maxBytes, String what) {
        Opened opened = open(uri, Map.of(), authorization, what);
        return new StreamedAnswer(opened.response.statusCode(), new BoundedStream(opened.response.body(), maxBytes,
                what), opened.uri);
    }

    record StreamedAnswer(int status, InputStream body, URI uri) {
    }

    private record Opened(HttpResponse<InputStream> response, URI uri) {
    }

    private Opened open(URI start, Map<String, String> headers, Optional<String> authorization, String what) {
        URI uri = start;
        String authorizedHost = authority(start);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET()
                    .header("User-Agent", "capstan");
            headers.forEach(request::header);
            if (authorization.isPresent() && authority(uri).equals(authorizedHost)) {
                request.header("Authorization", authorization.get());
            }
            HttpResponse<InputStream> response = send(uri, request.build(), what);
            int status = response.statusCode();
            if (status < 300 || status >= 400 || status == 304) {
                return new Opened(response, uri);
            }
            close(response);
            URI next = response.headers().firstValue("Location").map(uri::resolve).orElseThrow(() ->
                    new ChartFetchException(what + ": redirect " + status + " without a Location"));
            if ("https".equals(uri.getScheme()) && !"https".equals(next.getScheme())) {
                throw new ChartFetchException(what + ": redirected from https to " + next.getScheme() + ", refused");
            }
            if (!"https".equals(next.getScheme()) && !"http".equals(next.getScheme())) {
                throw new ChartFetchException(what + ": redirected to a " + next.getScheme() + " URL, refused");
            }
            uri = next;
        }
        throw new ChartFetchException(what + ": more than " + MAX_REDIRECTS + " redirects");
    }

    /**
     * Sends once, and once more on a connection the server closed under it (a pooled connection to a server that
     * restarted or went down): the second try says what the server is doing now.
     */
    private HttpResponse<InputStream> send(URI uri, HttpRequest request, String what) {
        for (int attempt = 1; ; attempt++) {
            try {
                return access.client(uri).send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                boolean stale = !(e instanceof java.net.ConnectException) && !(e instanceof
                        java.net.http.HttpTimeoutException) && !(e.getCause() instanceof javax.net.ssl.SSLException);
                if (!stale || attempt == 2) {
                    throw new ChartFetchException(what + ": " + plain(e));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChartFetchException(what + ": interrupted");
            }
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // Nothing more to read from it.
        }
    }

    private static String authority(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    static byte[] readBounded(InputStream in, long maxBytes, String what) throws IOException {
        try (InputStream bounded = new BoundedStream(in, maxBytes, what)) {
            return bounded.readAllBytes();
        }
    }

    /** The exception's message as an operator reads it: its kind when it has no message of its own. */
    static String plain(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                // The JDK's client says "refused" as a ConnectException caused by a ClosedChannelException.
                return "connection refused";
            }
            if (t instanceof java.net.http.HttpTimeoutException) {
                return "timed out";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS failed: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
            }
        }
        Throwable cause = e;
        while (cause.getCause() != null && (cause.getMessage() == null || cause.getMessage().isBlank())) {
            cause = cause.getCause();
        }
        if (cause instanceof java.nio.channels.ClosedChannelException || cause instanceof java.io.EOFException) {
            return "the connection was closed by the server";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }

    /** Fails the read once more than {@code maxBytes} came. */
    static final class BoundedStream extends java.io.FilterInputStream {
        private final long maxBytes;
        private final String what;
        private long read;

        BoundedStream(InputStream in, long maxBytes, String what) {
            super(in);
            this.maxBytes = maxBytes;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > maxBytes) {
                throw new ChartFetchException(what + ": larger than " + size(maxBytes) + ", refused");
            }
        }
    }

    static String size(long bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }
}
