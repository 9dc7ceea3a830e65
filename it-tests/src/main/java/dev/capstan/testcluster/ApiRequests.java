package dev.capstan.testcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts of requests the API server has served, from its own {@code apiserver_request_total}. */
public final class ApiRequests {
    private static final Pattern SAMPLE = Pattern.compile("^apiserver_request_total\\{([^}]*)} ([0-9.e+]+)$");

    private ApiRequests() {
    }

    /**
     * Requests of {@code verb} (a server-side apply counts as {@code APPLY}) on {@code resource} so far;
     * {@code dryRun} true counts only dry runs, false only real writes.
     */
    public static long count(KubernetesClient client, String verb, String resource, boolean dryRun) {
        String metrics = client.raw(client.getMasterUrl().toString().replaceAll("/$", "") + "/metrics");
        long total = 0;
        for (String line : metrics.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                continue;
            }
            String labels = sample.group(1);
            boolean isDryRun = labels.contains("dry_run=\"All\"");
            if (labels.contains("verb=\"" + verb + "\"") && labels.contains("resource=\"" + resource + "\"")
                    && labels.contains("subresource=\"\"") && isDryRun == dryRun) {
                total += (long) Double.parseDouble(sample.group(2));
            }
        }
        return total;
    }
}
