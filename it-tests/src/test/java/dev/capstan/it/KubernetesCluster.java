package dev.capstan.it;

import dev.capstan.testcluster.ClusterBinaries;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.PodSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real control plane: etcd + kube-apiserver + kube-controller-manager + the pod simulator,
 * started once per test JVM and stopped when the JVM's tests end (processes are also tethered to the JVM). Each test
 * gets its own namespace, deleted afterwards. Test methods may declare parameters of type {@link KubernetesClient},
 * {@link TestNamespace} and {@link LocalCluster}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubernetesCluster.Extension.class)
public @interface KubernetesCluster {

    /** The JUnit extension behind {@link KubernetesCluster}. */
    final class Extension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
        private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(Extension.class);

        @Override
        public void beforeEach(ExtensionContext context) {
            Running running = running(context);
            String name = namespaceName(context);
            context.getStore(STORE).put("namespace", new TestNamespace(name, running.client()));
        }

        @Override
        public void afterEach(ExtensionContext context) {
            TestNamespace namespace = context.getStore(STORE).remove("namespace", TestNamespace.class);
            if (namespace != null) {
                KubernetesClient client = running(context).client();
                namespace.owned().forEach(ns -> client.namespaces().withName(ns).delete());
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == KubernetesClient.class || type == TestNamespace.class || type == LocalCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            if (type == TestNamespace.class) {
                return context.getStore(STORE).get("namespace", TestNamespace.class);
            }
            Running running = running(context);
            return type == KubernetesClient.class ? running.client() : running.cluster();
        }

        /** One control plane per JVM: kept in the root store, closed by JUnit when the whole run ends. */
        private static Running running(ExtensionContext context) {
            return context.getRoot().getStore(STORE).computeIfAbsent(Running.class, ignored -> Running.start(),
                    Running.class);
        }

        private static String namespaceName(ExtensionContext context) {
            String method = context.getRequiredTestMethod().getName().toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "-");
            String base = method.length() > 40 ? method.substring(0, 40) : method;
            return ("it-" + base + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36))
                    .replaceAll("-+", "-");
        }
    }

    /** The running control plane of this JVM. */
    record Running(LocalCluster cluster, PodSimulator simulator, KubernetesClient client) implements AutoCloseable {
        static Running start() {
            Instant begin = Instant.now();
            Path binaries = ClusterBinaries.locate(ClusterBinaries.repoRoot());
            Path workDir;
            try {
                workDir = Files.createTempDirectory("capstan-cluster-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            LocalCluster cluster = LocalCluster.start(binaries, workDir);
            KubernetesClient client = cluster.newClient();
            PodSimulator simulator = PodSimulator.start(client);
            System.getLogger(KubernetesCluster.class.getName()).log(System.Logger.Level.INFO,
                    "test control plane ready at " + cluster.apiUrl() + " in "
                            + Duration.between(begin, Instant.now()).toMillis() + " ms");
            return new Running(cluster, simulator, client);
        }

        @Override
        public void close() {
            simulator.close();
            client.close();
            cluster.close();
        }
    }
}
