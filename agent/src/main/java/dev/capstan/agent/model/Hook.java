package dev.capstan.agent.model;

import java.util.Set;

/**
 * An object a chart wants applied around its release rather than as part of it: a Helm hook
 * ({@code helm.sh/hook}). Hooks are not part of the desired state's digest, are not drift-checked or pruned, and
 * run once per new revision: {@code pre-*} before the first step, {@code post-*} after the last step's health gate.
 *
 * @param events         the events Capstan runs it for; none for a hook Capstan never runs ({@code test}, delete and
 *                       rollback hooks), kept so that {@code capstan render} prints it as {@code helm template} does
 * @param weight         {@code helm.sh/hook-weight}: lower runs first
 * @param deletePolicies {@code helm.sh/hook-delete-policy}; {@code before-hook-creation} when the chart names none
 */
public record Hook(RenderedObject object, Set<Event> events, int weight, Set<DeletePolicy> deletePolicies) {
    public Hook {
        events = Set.copyOf(events);
        deletePolicies = Set.copyOf(deletePolicies);
    }

    /** Whether Capstan runs this hook at all (see {@code events}). */
    public boolean runs() {
        return !events.isEmpty();
    }

    public Hook withObject(RenderedObject replacement) {
        return new Hook(replacement, events, weight, deletePolicies);
    }

    /** The events Capstan runs hooks for. */
    public enum Event {
        PRE_INSTALL, PRE_UPGRADE, POST_INSTALL, POST_UPGRADE;

        public String helmName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public enum DeletePolicy {
        BEFORE_HOOK_CREATION, HOOK_SUCCEEDED, HOOK_FAILED;

        public String helmName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
