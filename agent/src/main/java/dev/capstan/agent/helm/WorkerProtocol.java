package dev.capstan.agent.helm;

import java.util.List;

/**
 * The line protocol between the agent and its Helm render process: one JSON request per line on the child's stdin,
 * one JSON response per line on its stdout, prefixed with {@link #PREFIX} so that anything else Go or the JVM print
 * there is told apart and ignored.
 */
final class WorkerProtocol {
    static final String PREFIX = "@@capstan-helm@@ ";
    /**
     * Largest rendered output a render may return; bigger is an error of that chart. The answer is read whole into the
     * agent's heap (64 MiB in the install), so it is a fraction of it.
     */
    static final int MAX_OUTPUT_CHARS = 8 * 1024 * 1024;

    private WorkerProtocol() {
    }

    /** {@code op} is {@code template} or {@code lint}. */
    record Request(long id, String op, String chart, String release, String namespace, String kubeVersion,
                   List<String> valuesFiles) {
    }

    record Response(long id, boolean ok, String out, String error) {
    }
}
