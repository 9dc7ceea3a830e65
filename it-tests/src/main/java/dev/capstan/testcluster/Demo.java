package dev.capstan.testcluster;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.capstan.agent.Agent;
import dev.capstan.agent.config.AgentConfigLoader;
import dev.capstan.agent.sync.UnitOutcome;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/demo}: a local control plane with simulated pods, a git repository made from {@code examples/}, and the
 * agent syncing it. Prints where to look, then runs until Ctrl-C ({@code --exit-when-synced}: stop once every unit
 * is synced and every Deployment available, for scripted checks).
 */
public final class Demo {
    private Demo() {
    }

    private static final String USAGE = """
            Usage: bin/demo [--port N] [--tour] [--exit-when-synced]
              --port N              the agent's HTTP port (default 8080; 0 picks a free one)
              --tour                after the first sync, walk through the story: a change goes canary -> full
                                    in staging then production; a hand edit is corrected; a crash-looping build
                                    is rolled back, quarantined and written up as an incident; a fix lifts it
              --exit-when-synced    stop once every unit is synced (and the tour, if asked, is done)
            """;

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream out = System.out;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                out.print(USAGE);
                return;
            }
            boolean known = args[i].equals("--exit-when-synced") || args[i].equals("--tour")
                    || args[i].equals("--port") && i + 1 < args.length;
            if (!known) {
                System.err.print("bin/demo: unknown option " + args[i] + "\n" + USAGE);
                System.exit(2);
            }
            if (args[i].equals("--port")) {
                i++;
            }
        }
        boolean exitWhenSynced = List.of(args).contains("--exit-when-synced");
        boolean tour = List.of(args).contains("--tour");
        int port = portArgument(args);
        Path root = ClusterBinaries.repoRoot();
        Path work = root.resolve("demo-work");
        LocalCluster.deleteTree(work);
        Files.createDirectories(work);

        logToFile(work.resolve("agent.log"));
        out.println("capstan demo: starting a local control plane (etcd, kube-apiserver, kube-controller-manager)");
        Path binaries = ClusterBinaries.locate(root);
        LocalCluster cluster = LocalCluster.start(binaries, work.resolve("cluster"));
        KubernetesClient client = cluster.newClient();
        PodSimulator simulator = PodSimulator.start(client);

        LocalGitRepo repo = LocalGitRepo.fromDirectory(root.resolve("examples"), work.resolve("git"));
        Path config = work.resolve("agent.yaml");
        Files.writeString(config, """
                # Written by bin/demo. The agent config lives next to the agent, never in the GitOps repo.
                repo:
                  url: %s
                  branch: main
                  pollInterval: 2s
                cacheDir: %s
                cluster:
                  kubeconfig: %s
                http:
                  host: 127.0.0.1
                  port: %d
                """.formatted(repo.url(), work.resolve("cache"), cluster.kubeconfig(), port));
        Agent agent = Agent.start(AgentConfigLoader.load(config));

        Runnable stop = () -> {
            agent.close();
            simulator.close();
            client.close();
            cluster.close();
        };
        Awaitility.await("every unit synced and every Deployment available").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> allSynced(agent) && allAvailable(client));

        out.println();
        out.println("capstan demo is running: every chart x environment of examples/ is synced.");
        agent.status().units().values().forEach(u -> out.println("  " + u.unit() + "  synced at "
                + u.commit().substring(0, 12)));
        out.println();
        if (DemoTour.onPath("kubectl")) {
            out.println("Look at the cluster:");
            out.println("  " + DemoTour.lookCommand(cluster.kubeconfig()));
        } else {
            out.println("The cluster's kubeconfig (kubectl is not installed here): " + cluster.kubeconfig());
        }
        out.println("Push a change and watch it go canary -> full in staging, then production (polled every 2 s):");
        out.println("  " + DemoTour.firstPush(repo.workTree()));
        out.println("  " + DemoTour.capstanCommand(root, "history orders production --kubeconfig "
                + cluster.kubeconfig()));
        out.println("Web page: http://127.0.0.1:" + agent.httpPort() + "/   agent config: " + config
                + "   agent log: " + work.resolve("agent.log"));
        if (!tour) {
            out.println("The whole story (a change, a hand edit corrected, a crash-looping build rolled back): "
                    + "bin/demo --tour");
        }

        if (tour) {
            try {
                new DemoTour(agent, client, out, root, repo.workTree(), cluster.kubeconfig()).run();
            } catch (RuntimeException e) {
                stop.run();
                throw e;
            }
        }

        if (exitWhenSynced) {
            stop.run();
            out.println("capstan demo: synced, stopped (--exit-when-synced)");
            return;
        }
        out.println("Ctrl-C stops the agent and the control plane.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
    }

    /** The agent's log lines go to a file: the terminal is for the demo's own story. */
    private static void logToFile(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger rootLogger = context.getLogger(Logger.ROOT_LOGGER_NAME);
        rootLogger.detachAndStopAllAppenders();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%X{chart:-}/%X{env:-}@%X{commit:-}] %logger{0}: %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        rootLogger.addAppender(appender);
    }

    private static boolean allSynced(Agent agent) {
        var units = agent.status().units().values();
        return units.size() == 4 && units.stream().allMatch(UnitOutcome.Synced.class::isInstance);
    }

    private static boolean allAvailable(KubernetesClient client) {
        List<Deployment> deployments = client.apps().deployments().inAnyNamespace()
                .withLabel("app.kubernetes.io/managed-by", "capstan").list().getItems();
        return !deployments.isEmpty() && deployments.stream().allMatch(d -> d.getStatus() != null
                && d.getStatus().getAvailableReplicas() != null && d.getStatus().getAvailableReplicas() > 0);
    }

    private static int portArgument(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--port")) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return 8080;
    }
}
