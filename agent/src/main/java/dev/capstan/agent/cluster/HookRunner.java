package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Hook;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.work.WorkSlots;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a release's hooks for one event, as Helm (and Argo CD, for Helm charts) do: in weight order, one after the
 * other; each is deleted first under {@code before-hook-creation}, applied, and waited for — a Job until it completes
 * or fails, a Pod until it succeeds or fails, anything else until it exists — then deleted under
 * {@code hook-succeeded} / {@code hook-failed}. The first failure stops the run. Each hook passes the applier's
 * gate ({@link ServerSideApplier#admitHooks}) before anything of it is deleted or applied. Blocking.
 */
public final class HookRunner implements Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    private final KubernetesClient client;
    private final ServerSideApplier applier;
    private final WorkSlots slots;

    /** {@code slots}: a hook's wait (a Job running) gives the unit's work slot to other units, as a gate does. */
    public HookRunner(KubernetesClient client, ServerSideApplier applier, WorkSlots slots) {
        this.client = client;
        this.applier = applier;
        this.slots = slots;
    }

    /** Runs the hooks registered for any of {@code events}, stopping at the first that does not pass. */
    @Override
    public Outcome run(List<Hook> hooks, Set<Hook.Event> events, Duration timeout) {
        for (Hook hook : hooks) {
            if (hook.events().stream().noneMatch(events::contains)) {
                continue;
            }
            Optional<String> failure;
            try {
                failure = runOne(hook, timeout);
            } catch (KubernetesClientException e) {
                if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                    // Shutting down (SIGTERM): the hook did not fail; the next agent runs the revision on.
                    LOG.warn("stopped while waiting for hook {} {}", hook.object().key().kind(),
                            hook.object().key().name());
                    return new Outcome.Interrupted();
                }
                failure = Optional.of("hook " + hook.object().key().kind() + " " + hook.object().key().name() + ": "
                        + e.getMessage());
            }
            if (failure.isPresent()) {
                return new Outcome.Failed(List.of(failure.get()));
            }
        }
        return new Outcome.Passed();
    }

    private Optional<String> runOne(Hook hook, Duration timeout) {
        ObjectKey key = hook.object().key();
        String name = "hook " + key.kind() + " " + key.name();
        Resource<GenericKubernetesResource> resource = resource(key);
        try {
            // Checked with the dry run, and again here: what has the hook's name may have changed since.
            Optional<ApplyResult.Rejected> refused = applier.admitHooks(List.of(hook.object()));
            if (refused.isPresent()) {
                return Optional.of(name + " was refused: " + refused.get().message());
            }
            if (hook.deletePolicies().contains(Hook.DeletePolicy.BEFORE_HOOK_CREATION) && resource.get() != null) {
                applier.fence().check();
                resource.withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND)
                        .delete();
                slots.waiting(() -> resource.waitUntilCondition(r -> r == null, timeout.toMillis(),
                        TimeUnit.MILLISECONDS));
            }
            LOG.info("running {} (weight {})", name, hook.weight());
            ApplyResult applied = applier.apply(List.of(hook.object()));
            if (applied instanceof ApplyResult.Rejected rejected) {
                return Optional.of(name + " was rejected: " + rejected.message());
            }
            Optional<String> failure = slots.waiting(() -> awaitDone(resource, key, timeout))
                    .map(why -> name + " failed: " + why);
            boolean delete = failure.isPresent() ? hook.deletePolicies().contains(Hook.DeletePolicy.HOOK_FAILED)
                    : hook.deletePolicies().contains(Hook.DeletePolicy.HOOK_SUCCEEDED);
            if (delete) {
                applier.fence().check(); // the hook may have run for long
                resource.withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                        .delete();
            }
            return failure;
        } catch (io.fabric8.kubernetes.client.KubernetesClientTimeoutException e) {
            return Optional.of(name + " did not finish within " + timeout.toSeconds() + " s");
        }
    }

    /** Empty once the hook succeeded; why it failed otherwise. */
    private Optional<String> awaitDone(Resource<GenericKubernetesResource> resource, ObjectKey key,
                                       Duration timeout) {
        if (!key.kind().equals("Job") && !key.kind().equals("Pod")) {
            return Optional.empty();
        }
        GenericKubernetesResource done = resource.waitUntilCondition(r -> r != null && outcome(key.kind(), r)
                .isPresent(), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return outcome(key.kind(), done).orElse(Optional.empty());
    }

    /** Empty while running; then empty-inside for success, or the reason for a failure. */
    @SuppressWarnings("unchecked")
    static Optional<Optional<String>> outcome(String kind, GenericKubernetesResource live) {
        Object status = live.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> statusMap)) {
            return Optional.empty();
        }
        if (kind.equals("Pod")) {
            Object phase = statusMap.get("phase");
            return "Succeeded".equals(phase) ? Optional.of(Optional.empty())
                    : "Failed".equals(phase) ? Optional.of(Optional.of("pod phase Failed")) : Optional.empty();
        }
        List<Map<String, Object>> conditions = statusMap.get("conditions") instanceof List<?> list
                ? (List<Map<String, Object>>) list : new ArrayList<>();
        for (Map<String, Object> condition : conditions) {
            if (!"True".equals(condition.get("status"))) {
                continue;
            }
            if ("Complete".equals(condition.get("type"))) {
                return Optional.of(Optional.empty());
            }
            if ("Failed".equals(condition.get("type"))) {
                return Optional.of(Optional.of("job failed: " + condition.getOrDefault("reason", "")
                        + " " + condition.getOrDefault("message", "")));
            }
        }
        return Optional.empty();
    }

    private Resource<GenericKubernetesResource> resource(ObjectKey key) {
        var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
        return key.namespace().isEmpty() ? operation.withName(key.name())
                : operation.inNamespace(key.namespace()).withName(key.name());
    }
}
