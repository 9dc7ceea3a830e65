package dev.capstan.agent.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Helm render process's main class. Helm's engine (Go, loaded through helm-java) runs only here, never in the
 * agent: it takes over SIGTERM/SIGINT once loaded, grows native memory with every render, and its {@code lookup}
 * reaches whatever cluster the process's environment names. The agent starts this process with an environment of
 * its choosing ({@code KUBECONFIG} pointing at a {@link NullApiServer}), restarts it when it misbehaves, and reads
 * answers from it under a deadline. Requests run concurrently: Helm's engine gives identical output across threads.
 */
public final class HelmWorker {
    private HelmWorker() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        // Whatever else prints to System.out goes to stderr and cannot corrupt a response line.
        System.setOut(System.err);
        ObjectMapper json = new ObjectMapper();
        try (NullApiServer nullServer = NullApiServer.start()) {
            Files.writeString(Path.of(System.getenv("KUBECONFIG")), nullServer.kubeconfig());
            int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                WorkerProtocol.Request request = json.readValue(line, WorkerProtocol.Request.class);
                pool.execute(() -> {
                    WorkerProtocol.Response response = handle(request);
                    String encoded;
                    try {
                        encoded = json.writeValueAsString(response);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        encoded = "{\"id\":" + request.id() + ",\"ok\":false,\"error\":\"unencodable answer\"}";
                    }
                    synchronized (protocol) {
                        protocol.print(WorkerProtocol.PREFIX + encoded + "\n");
                        protocol.flush();
                    }
                });
            }
            pool.shutdown();
        }
        // stdin closed: the agent is done with this process (or gone).
        System.exit(0);
    }

    static WorkerProtocol.Response handle(WorkerProtocol.Request request) {
        try {
            String out = switch (request.op()) {
                case "template" -> template(request);
                case "lint" -> lint(request);
                case "ping" -> "pong";
                default -> throw new IllegalArgumentException("unknown operation " + request.op());
            };
            if (out.length() > WorkerProtocol.MAX_OUTPUT_CHARS) {
                return new WorkerProtocol.Response(request.id(), false, null, "the chart rendered more than "
                        + WorkerProtocol.MAX_OUTPUT_CHARS / (1024 * 1024) + " MiB of manifests");
            }
            return new WorkerProtocol.Response(request.id(), true, out, null);
        } catch (RuntimeException | StackOverflowError e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new WorkerProtocol.Response(request.id(), false, null, message);
        }
    }

    private static String template(WorkerProtocol.Request request) {
        TemplateCommand template = new Helm(Path.of(request.chart())).template()
                .withName(request.release())
                .withNamespace(request.namespace())
                .withKubeVersion(request.kubeVersion());
        for (String values : request.valuesFiles()) {
            template = template.withValuesFile(Path.of(values));
        }
        return template.call();
    }

    private static String lint(WorkerProtocol.Request request) {
        LintResult result = new Helm(Path.of(request.chart())).lint().strict().call();
        return (result.isFailed() ? "failed\n" : "passed\n") + String.join("\n", result.getMessages());
    }
}
