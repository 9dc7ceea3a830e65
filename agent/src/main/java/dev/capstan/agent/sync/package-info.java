/**
 * The reconcile loop, read top-down:
 * <ol>
 *   <li>{@link dev.capstan.agent.sync.SyncEngine} wires it once: the clusters ({@link
 *       dev.capstan.agent.sync.ClusterTargets}, each with its rollout controller), the services every part shares
 *       ({@link dev.capstan.agent.sync.SyncServices}), the status board, the records.</li>
 *   <li>{@link dev.capstan.agent.sync.CycleTrigger} runs a cycle on a jittered poll timer and whenever a webhook (or
 *       another replica's push stamp) asks; triggers during a cycle coalesce into one more.</li>
 *   <li>{@link dev.capstan.agent.sync.CommitCycle} is one cycle: fetch the tracked branch, plan the commit's units,
 *       hand them to the unit workers, report drift of the units at rest, see to units that left the repository
 *       ({@link dev.capstan.agent.sync.RemovedUnits}). It never waits for a rollout.</li>
 *   <li>{@link dev.capstan.agent.sync.UnitWorkers} runs each unit's work on its own virtual thread, one piece of work
 *       per unit at a time, at most as many at work as there are work slots; the newest commit offered wins; operator
 *       actions ({@link dev.capstan.agent.sync.UnitActions}) queue there too.</li>
 *   <li>{@link dev.capstan.agent.sync.UnitWork} is one unit's work at one commit: decide what the unit needs
 *       ({@link dev.capstan.agent.sync.UnitDecision}), render, roll out through the cluster's
 *       {@code rollout.RolloutController}, record the outcome, alert, write an incident after an automatic rollback
 *       ({@link dev.capstan.agent.sync.IncidentRecorder}).</li>
 *   <li>{@link dev.capstan.agent.sync.DriftReporter} checks and publishes drift after each cycle and on informer
 *       events, and has {@link dev.capstan.agent.sync.DriftHealer} correct it where the environment says
 *       {@code drift: heal}.</li>
 * </ol>
 * What the loop knows is written to the {@link dev.capstan.agent.sync.StatusBoard}, a set of views with one writer
 * each, which the HTTP API reads.
 */
package dev.capstan.agent.sync;
