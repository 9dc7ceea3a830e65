package dev.capstan.agent.kustomize;

import dev.capstan.agent.work.ResidentMemory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Kustomize's engine ({@code capstan-kustomize}: kustomize's own library, confined to the checkout) in a child
 * process per build that Capstan owns: a clean environment (no credentials, no kubeconfig, no PATH to a git), a
 * deadline, a bound on its output and on its resident memory, killed past any of them. Blocking.
 */
public final class KustomizeProcess {
    /** The environment variable naming the engine's binary (else {@code capstan-kustomize} on the PATH). */
    public static final String BINARY_VARIABLE = "CAPSTAN_KUSTOMIZE_BIN";
    private static final String BINARY_NAME = "capstan-kustomize";
    /** The engine's errors and the list of what it touched (a path per file a kustomization names). */
    private static final int MAX_ERROR_BYTES = 1024 * 1024;
    private static final String TOUCHED = "capstan-touched:";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final long WATCH_MILLIS = 50;

    /**
     * @param binary      the engine; empty: not installed (every build says how to install it)
     * @param timeout     how long one build may take
     * @param maxOutput   the most YAML one build may print
     * @param maxRss      the engine is killed past this resident memory
     * @param allowRemote remote bases and URLs may be fetched (off unless the agent config allows them)
     */
    public record Settings(Optional<Path> binary, Duration timeout, long maxOutput, long maxRss, boolean allowRemote) {
        public static Settings defaults() {
            return new Settings(locate(), Duration.ofSeconds(60), 64L * 1024 * 1024, 512L * 1024 * 1024, false);
        }

        public Settings withBinary(Path path) {
            return new Settings(Optional.of(path), timeout, maxOutput, maxRss, allowRemote);
        }

        public Settings allowingRemote(boolean allow) {
            return new Settings(binary, timeout, maxOutput, maxRss, allow);
        }

        public Settings withLimits(Duration deadline, long output, long rss) {
            return new Settings(binary, deadline, output, rss, allowRemote);
        }
    }

    private final Settings settings;
    /**
     * Builds at once: one per core. A build is all CPU, so more at once only adds their memory (the agent runs up to
     * eight units at once).
     */
    private final java.util.concurrent.Semaphore running =
            new java.util.concurrent.Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));

    public KustomizeProcess(Settings settings) {
        this.settings = settings;
    }

    /**
     * A build: its YAML, and every path (relative to the checkout) it read, listed or probed — the build depends on
     * those and nothing else.
     */
    public record Build(String yaml, List<String> touched) {
    }

    /** The YAML kustomize builds from {@code dir} (relative to {@code root}, the checkout). */
    public String build(Path root, String dir) {
        return run(root, dir).yaml();
    }

    /** The build of {@code dir} (relative to {@code root}, the checkout), with what it touched. */
    public Build run(Path root, String dir) {
        try {
            running.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KustomizeException("interrupted while waiting to build");
        }
        try {
            return start(root, dir);
        } finally {
            running.release();
        }
    }

    private Build start(Path root, String dir) {
        Path binary = settings.binary().orElseThrow(() -> new KustomizeException("the kustomize engine is not "
                + "installed: put " + BINARY_NAME + " on the PATH or name it in " + BINARY_VARIABLE
                + " (docs/kustomize.md says how to build it)"));
        ProcessBuilder builder = new ProcessBuilder(List.of(binary.toString(), "build", root.toString(), dir));
        builder.environment().clear();
        builder.environment().put("HOME", root.toString());
        // Go's collector works to stay under this; the watch below kills past the hard bound.
        builder.environment().put("GOMEMLIMIT", Long.toString(settings.maxRss() * 3 / 4));
        if (settings.allowRemote()) {
            builder.environment().put("CAPSTAN_KUSTOMIZE_REMOTE", "allow");
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        }
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new KustomizeException("the kustomize engine " + binary + " could not start: " + e.getMessage());
        }
        try {
            CompletableFuture<byte[]> out = read(process.getInputStream(), settings.maxOutput(), process);
            CompletableFuture<byte[]> err = read(process.getErrorStream(), MAX_ERROR_BYTES, null);
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (!process.waitFor(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    throw killed(process, "took longer than " + settings.timeout().toSeconds() + " s");
                }
                long rss = ResidentMemory.of(process.pid());
                if (rss > settings.maxRss()) {
                    throw killed(process, "used " + (rss >> 20) + " MiB, more than its limit of "
                            + (settings.maxRss() >> 20) + " MiB");
                }
            }
            byte[] yaml = out.get();
            if (yaml == null) {
                throw new KustomizeException("kustomize printed more than " + (settings.maxOutput() >> 20)
                        + " MiB of YAML: the build was stopped");
            }
            String stderr = new String(err.get(), StandardCharsets.UTF_8).strip();
            int marker = stderr.lastIndexOf(TOUCHED);
            List<String> touched = marker < 0 ? List.of() : touched(stderr.substring(marker + TOUCHED.length()));
            String message = (marker < 0 ? stderr : stderr.substring(0, marker)).strip();
            if (process.exitValue() != 0) {
                throw new KustomizeException(message.isEmpty() ? "kustomize failed (exit " + process.exitValue()
                        + ")" : message, touched);
            }
            return new Build(new String(yaml, StandardCharsets.UTF_8), touched);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw killed(process, "was interrupted");
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException(e.getCause()));
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<String> touched(String json) {
        try {
            return List.of(JSON.readValue(json.strip(), String[].class));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static KustomizeException killed(Process process, String why) {
        process.destroyForcibly();
        return new KustomizeException("kustomize " + why + ": the build was stopped");
    }

    /**
     * Reads the stream on its own thread up to {@code limit} bytes; past it, kills {@code process} (when given)
     * and completes with null.
     */
    private static CompletableFuture<byte[]> read(InputStream stream, long limit, Process process) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread.ofVirtual().name("kustomize-output").start(() -> {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            try (stream) {
                int n;
                while ((n = stream.read(chunk)) > 0) {
                    if (buffer.size() + n > limit) {
                        if (process == null) {
                            buffer.write(chunk, 0, (int) Math.max(0, limit - buffer.size()));
                            stream.transferTo(java.io.OutputStream.nullOutputStream());
                            break;
                        }
                        process.destroyForcibly();
                        result.complete(null);
                        return;
                    }
                    buffer.write(chunk, 0, n);
                }
                result.complete(buffer.toByteArray());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The engine named by {@link #BINARY_VARIABLE}, else the first on the PATH. */
    static Optional<Path> locate() {
        String named = System.getenv(BINARY_VARIABLE);
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, BINARY_NAME);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
