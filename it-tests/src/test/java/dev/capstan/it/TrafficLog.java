package dev.capstan.it;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Where a Service sends traffic, as the cluster's EndpointSlice controller publishes it (what kube-proxy and meshes
 * read; Endpoints are deprecated): every set of ready pods across the Service's slices, in order, and the image of
 * every pod seen in the namespace, so a test can say which versions served at each moment (the image tag is the
 * version in the fixtures).
 */
public final class TrafficLog implements AutoCloseable {
    private final String service;
    private final List<Set<String>> serving = new CopyOnWriteArrayList<>();
    /** The resourceVersion of each entry of {@link #serving}: the API server's order, across Services too. */
    private final List<Long> versionsAt = new CopyOnWriteArrayList<>();
    /** When each entry of {@link #serving} arrived ({@link System#nanoTime()}). */
    private final List<Long> arrivedAt = new CopyOnWriteArrayList<>();
    private final Map<String, String> imageOfPod = new ConcurrentHashMap<>();
    /** The ready pods of each of the Service's slices, as last published. */
    private final Map<String, Set<String>> readyBySlice = new ConcurrentHashMap<>();
    private final Watch endpoints;
    private final Watch pods;

    private TrafficLog(KubernetesClient client, String namespace, String service) {
        this.service = service;
        this.pods = client.pods().inNamespace(namespace).watch(new Quiet<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                imageOfPod.put(pod.getMetadata().getName(), pod.getSpec().getContainers().get(0).getImage());
            }
        });
        this.endpoints = client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", service).watch(new Quiet<>() {
                    @Override
                    public void eventReceived(Action action, EndpointSlice slice) {
                        synchronized (serving) {
                            if (action == Action.DELETED) {
                                readyBySlice.remove(slice.getMetadata().getName());
                            } else {
                                readyBySlice.put(slice.getMetadata().getName(), readyPods(slice));
                            }
                            arrivedAt.add(System.nanoTime());
                            versionsAt.add(Long.parseLong(slice.getMetadata().getResourceVersion()));
                            serving.add(readyBySlice.values().stream().flatMap(Set::stream)
                                    .collect(Collectors.toCollection(TreeSet::new)));
                        }
                    }
                });
    }

    public static TrafficLog of(KubernetesClient client, String namespace, String service) {
        return new TrafficLog(client, namespace, service);
    }

    /** The pods the Service sends traffic to now (as last published). */
    Set<String> now() {
        return serving.isEmpty() ? Set.of() : serving.get(serving.size() - 1);
    }

    /** The versions (image tags) of the pods the Service sends traffic to now. */
    public Set<String> versionsNow() {
        return versions(now());
    }

    /** Every set of versions the Service served at once, in order (repeats collapsed). */
    List<Set<String>> versionHistory() {
        List<Set<String>> history = new java.util.ArrayList<>();
        for (Set<String> pods : serving) {
            Set<String> versions = versions(pods);
            if (history.isEmpty() || !history.get(history.size() - 1).equals(versions)) {
                history.add(versions);
            }
        }
        return history;
    }

    /** Where the log stands now: later entries are after this mark. */
    public int mark() {
        return serving.size();
    }

    /** When (nanoTime) the Service first sent traffic to a pod of {@code version}, from entry {@code mark} on. */
    public java.util.Optional<Long> firstNanosServing(String version, int mark) {
        synchronized (serving) {
            for (int i = mark; i < serving.size(); i++) {
                if (versions(serving.get(i)).contains(version)) {
                    return java.util.Optional.of(arrivedAt.get(i));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** When (nanoTime) the Service first sent traffic to pods of {@code version} alone, at {@code after} or later. */
    public java.util.Optional<Long> firstNanosOnlyServing(String version, long after) {
        synchronized (serving) {
            for (int i = 0; i < serving.size(); i++) {
                if (arrivedAt.get(i) >= after && versions(serving.get(i)).equals(Set.of(version))) {
                    return java.util.Optional.of(arrivedAt.get(i));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The resourceVersion at which the Service first served exactly {@code version}: comparable with another
     * Service's, as the API server orders all writes.
     */
    long firstServing(String version) {
        for (int i = 0; i < serving.size(); i++) {
            if (versions(serving.get(i)).equals(Set.of(version))) {
                return versionsAt.get(i);
            }
        }
        return Long.MAX_VALUE;
    }

    private Set<String> versions(Set<String> podNames) {
        return podNames.stream().map(pod -> {
            String image = imageOfPod.getOrDefault(pod, "unknown pod " + pod);
            return image.substring(image.lastIndexOf(':') + 1);
        }).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The pods of a slice's endpoints that are ready (an absent condition means ready, as kube-proxy reads it). */
    private static Set<String> readyPods(EndpointSlice slice) {
        Set<String> pods = new TreeSet<>();
        for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
            boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                    || endpoint.getConditions().getReady();
            if (ready && endpoint.getTargetRef() != null) {
                pods.add(endpoint.getTargetRef().getName());
            }
        }
        return pods;
    }

    @Override
    public String toString() {
        return "traffic of Service " + service + ": " + versionHistory();
    }

    @Override
    public void close() {
        endpoints.close();
        pods.close();
    }

    private abstract static class Quiet<T> implements Watcher<T> {
        @Override
        public void onClose(WatcherException cause) {
            // The test ends the watch; nothing to recover.
        }
    }
}
