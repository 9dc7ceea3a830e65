package dev.capstan.agent.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.agent.work.ResidentMemory;
import dev.capstan.agent.work.ScratchDirectories;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Helm's engine in a child JVM ({@link HelmWorker}) that the agent owns: started on the first Helm render, given a
 * clean environment (no kubeconfig, no service account, Helm's homes and the JVM's temp dir inside a directory
 * Capstan owns and deletes), asked over a line protocol, and killed when a render outlives its deadline or the
 * process outgrows its memory limit; replaced after {@link Settings#recycleAfter} renders, which bounds the native
 * memory Helm's library leaks per render. The agent's own signals, memory and environment stay its own.
 */
public final class HelmProcess implements HelmEngine {
    private static final Logger LOG = LoggerFactory.getLogger(HelmProcess.class);
    private static final String DIR_PREFIX = "capstan-helm-";

    /**
     * @param renderTimeout how long one render may take, start-up of the process included
     * @param maxRss        the render process is killed past this resident memory (Go's memory is not the JVM's heap)
     * @param recycleAfter  renders after which the process is replaced by a fresh one
     * @param threads       renders the process runs at once
     */
    public record Settings(Duration renderTimeout, long maxRss, int recycleAfter, int threads) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(60), 384L * 1024 * 1024, 2_000, 2);
        }
    }

    private final Settings settings;
    private final Path root;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong jobs = new AtomicLong();
    private final java.util.regex.Pattern workPaths;
    private final AtomicInteger started = new AtomicInteger();
    private Worker current;
    private volatile boolean closed;

    public HelmProcess(Settings settings) {
        this.settings = settings;
        this.root = ScratchDirectories.create(DIR_PREFIX);
        this.workPaths = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(root.toString())
                + "/jobs/\\d+/");
    }

    @Override
    public String template(TemplateJob job) {
        return call("template", job.chartDir(), job.release(), job.namespace(), job.kubeVersion(),
                job.valuesFiles().stream().map(Path::toString).toList());
    }

    @Override
    public List<String> lint(Path chartDir) {
        String out = call("lint", chartDir, "", "", "", List.of());
        // A finding is "[LEVEL] file: message"; the lines of a multi-line message belong to the finding before.
        List<String> findings = new java.util.ArrayList<>();
        out.lines().skip(1).filter(l -> !l.isBlank()).forEach(line -> {
            if (line.startsWith("[") || findings.isEmpty()) {
                findings.add(line);
            } else {
                findings.set(findings.size() - 1, findings.get(findings.size() - 1) + " " + line.strip());
            }
        });
        return findings;
    }

    @Override
    public Path newJobDirectory() {
        try {
            return Files.createDirectories(root.resolve("jobs").resolve(Long.toString(jobs.incrementAndGet())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many render processes were started so far (a restart after a kill or a recycle counts). */
    public int processesStarted() {
        return started.get();
    }

    /** The current render process's pid, if one runs. */
    public synchronized Optional<Long> pid() {
        return current == null || !current.process.isAlive() ? Optional.empty() : Optional.of(current.process.pid());
    }

    public Path root() {
        return root;
    }

    /** Requests the current render process is working on. */
    synchronized int inFlight() {
        return current == null ? 0 : current.inFlight.get();
    }

    /** Kills the current render process as another request's deadline would (a test of the renders beside it). */
    synchronized void killForAnotherRender(String reason) {
        if (current != null) {
            current.kill(reason, 0);
        }
    }

    private String call(String op, Path chart, String release, String namespace, String kubeVersion,
                        List<String> valuesFiles) {
        return call(op, chart, release, namespace, kubeVersion, valuesFiles, true);
    }

    /**
     * One request to the render process. A request whose process was killed for another render's sake (that one's
     * deadline) or for its memory (whose render grew it is not known) is sent once more to a fresh process: one
     * runaway chart fails only its own unit.
     */
    private String call(String op, Path chart, String release, String namespace, String kubeVersion,
                        List<String> valuesFiles, boolean mayRetry) {
        Worker worker = worker();
        long id = ids.incrementAndGet();
        CompletableFuture<WorkerProtocol.Response> answer = worker.send(new WorkerProtocol.Request(id, op,
                chart.toString(), release, namespace, kubeVersion, valuesFiles));
        try {
            WorkerProtocol.Response response = answer.get(settings.renderTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!response.ok()) {
                throw new HelmEngineException(withoutWorkPaths(response.error()));
            }
            return withoutWorkPaths(response.out());
        } catch (TimeoutException e) {
            worker.kill("a render did not finish within " + settings.renderTimeout().toSeconds() + " s", id);
            throw new HelmEngineException("Helm's engine did not finish within " + settings.renderTimeout()
                    .toSeconds() + " s; the render was stopped");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProcessGone gone) {
                boolean notOurs = gone.culprit() != id && gone.culprit() != ProcessGone.UNKNOWN;
                if (mayRetry && !closed) {
                    LOG.warn("a render lost its render process ({}): sent once more to a new one", gone.getMessage());
                    return call(op, chart, release, namespace, kubeVersion, valuesFiles, false);
                }
                throw new HelmEngineException(gone.getMessage(), notOurs);
            }
            throw new HelmEngineException(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HelmEngineException("interrupted while waiting for Helm's engine");
        } finally {
            worker.finished();
        }
    }

    /** Error messages name files by the chart's own paths, not where Capstan wrote the chart out. */
    private String withoutWorkPaths(String text) {
        if (text == null) {
            return "";
        }
        // A look first: a chart's whole output (megabytes with CRDs) is scanned by a regex only if a path is in it.
        return text.contains(root.toString()) ? workPaths.matcher(text).replaceAll("") : text;
    }

    private synchronized Worker worker() {
        if (closed) {
            throw new HelmEngineException("the agent is shutting down");
        }
        if (current == null || !current.process.isAlive() || current.retiring) {
            if (current != null) {
                current.retire();
            }
            current = startWorker();
        }
        current.inFlight.incrementAndGet();
        return current;
    }

    private Worker startWorker() {
        try {
            Path home = Files.createDirectories(root.resolve("home"));
            Path tmp = Files.createDirectories(root.resolve("tmp"));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.io.tmpdir=" + tmp, "-Dcom.marcnuri.jkube-helm.skipRemoteJar=true",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    HelmWorker.class.getName(), Integer.toString(settings.threads())));
            ProcessBuilder builder = new ProcessBuilder(command);
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("HOME", home.toString());
            env.put("TMPDIR", tmp.toString());
            env.put("LANG", "C.UTF-8");
            env.put("KUBECONFIG", root.resolve("kubeconfig").toString());
            env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
            env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
            env.put("HELM_DATA_HOME", home.resolve("data").toString());
            env.put("HELM_DRIVER", "memory");
            Process process = builder.start();
            started.incrementAndGet();
            LOG.info("started Helm render process {}", process.pid());
            return new Worker(process);
        } catch (IOException e) {
            throw new HelmEngineException("cannot start Helm's render process: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (current != null) {
                current.kill("the agent is shutting down");
                try {
                    current.process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        deleteTree(root);
    }

    private static void deleteTree(Path dir) {
        try {
            ScratchDirectories.delete(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }

    /** One render process: its pipes, the requests waiting for it, and the watchdog on its memory. */
    private final class Worker {
        private final Process process;
        private final Writer stdin;
        private final Map<Long, CompletableFuture<WorkerProtocol.Response>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger served = new AtomicInteger();
        private final Deque<String> lastErrors = new ArrayDeque<>();
        private final ObjectMapper json = new ObjectMapper();
        private volatile String killedBecause;
        /** The request whose deadline got the process killed, if one did. */
        private volatile long culprit = ProcessGone.UNKNOWN;
        private volatile boolean retiring;

        Worker(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofVirtual().name("helm-out-" + process.pid()).start(this::readAnswers);
            Thread.ofVirtual().name("helm-err-" + process.pid()).start(this::readErrors);
            Thread.ofVirtual().name("helm-watch-" + process.pid()).start(this::watchMemory);
        }

        CompletableFuture<WorkerProtocol.Response> send(WorkerProtocol.Request request) {
            CompletableFuture<WorkerProtocol.Response> answer = new CompletableFuture<>();
            pending.put(request.id(), answer);
            try {
                synchronized (stdin) {
                    stdin.write(json.writeValueAsString(request));
                    stdin.write('\n');
                    stdin.flush();
                }
            } catch (IOException e) {
                pending.remove(request.id());
                answer.completeExceptionally(new ProcessGone(exitMessage(), culprit));
            }
            return answer;
        }

        void finished() {
            served.incrementAndGet();
            if (served.get() >= settings.recycleAfter()) {
                retiring = true;
            }
            if (inFlight.decrementAndGet() == 0 && retiring) {
                retire();
            }
        }

        /** No new requests; the process exits when its stdin closes, after answering what it has. */
        void retire() {
            retiring = true;
            if (inFlight.get() == 0) {
                try {
                    stdin.close();
                } catch (IOException e) {
                    process.destroyForcibly();
                }
            }
        }

        void kill(String reason) {
            kill(reason, ProcessGone.UNKNOWN);
        }

        /** Kills the process for request {@code culpritId}'s sake (its deadline passed). */
        void kill(String reason, long culpritId) {
            culprit = culpritId;
            killedBecause = reason;
            retiring = true;
            process.destroyForcibly();
        }

        private void readAnswers() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    // Anywhere in the line: something may have printed to stdout without ending its line.
                    int at = line.indexOf(WorkerProtocol.PREFIX);
                    if (at < 0) {
                        LOG.debug("helm: {}", truncate(line));
                        continue;
                    }
                    WorkerProtocol.Response response;
                    try {
                        response = json.readValue(line.substring(at + WorkerProtocol.PREFIX.length()),
                                WorkerProtocol.Response.class);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        LOG.warn("unreadable answer from the Helm render process: {}", truncate(line));
                        continue;
                    }
                    CompletableFuture<WorkerProtocol.Response> answer = pending.remove(response.id());
                    if (answer != null) {
                        answer.complete(response);
                    }
                }
            } catch (IOException e) {
                LOG.debug("reading the Helm render process: {}", e.getMessage());
            }
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ProcessGone gone = new ProcessGone(exitMessage(), culprit);
            pending.values().forEach(a -> a.completeExceptionally(gone));
            pending.clear();
        }

        private String exitMessage() {
            String exit = process.isAlive() ? "stopped answering" : "exited with code " + process.exitValue();
            String why = killedBecause != null ? killedBecause : lastError();
            return "Helm's render process " + exit + (why.isEmpty() ? "" : ": " + why);
        }

        private synchronized String lastError() {
            return lastErrors.isEmpty() ? "" : lastErrors.peekLast();
        }

        private void readErrors() {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    LOG.debug("helm stderr: {}", truncate(line));
                    synchronized (this) {
                        lastErrors.addLast(truncate(line));
                        if (lastErrors.size() > 5) {
                            lastErrors.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debug("reading the Helm render process's errors: {}", e.getMessage());
            }
        }

        private void watchMemory() {
            Path status = Path.of("/proc", Long.toString(process.pid()), "status");
            while (process.isAlive()) {
                long rss = ResidentMemory.of(status);
                if (rss > settings.maxRss()) {
                    LOG.error("Helm render process {} uses {} MiB, more than its limit of {} MiB: killed",
                            process.pid(), rss >> 20, settings.maxRss() >> 20);
                    kill("it used more than its memory limit of " + (settings.maxRss() >> 20) + " MiB");
                    return;
                }
                try {
                    process.waitFor(pending.isEmpty() ? 1_000 : 100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static String truncate(String line) {
            return line.length() > 500 ? line.substring(0, 500) + "..." : line;
        }
    }

    /** The render process died with requests in flight; {@code culprit}: the request it was killed for, if known. */
    private static final class ProcessGone extends RuntimeException {
        static final long UNKNOWN = -1;
        private static final long serialVersionUID = 1L;
        private final long culprit;

        ProcessGone(String message, long culprit) {
            super(message, null, false, false);
            this.culprit = culprit;
        }

        long culprit() {
            return culprit;
        }
    }
}
