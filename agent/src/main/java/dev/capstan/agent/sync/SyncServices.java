package dev.capstan.agent.sync;

import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.release.ReleaseStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;

/**
 * The services every part of the loop shares, handed around as one (as Strimzi's resource operator supplier is): the
 * clusters, the records, the status board, the clock and where the loop reports to. Built once by {@link SyncEngine}.
 */
record SyncServices(ClusterTargets clusters, ReleaseStore store, ReleaseRecorder releases,
                    IncidentRecorder incidents, StatusBoard board, Clock clock, Reporting reporting) {
    /** Where the loop reports to: metrics, traces and alerts. */
    record Reporting(MeterRegistry metrics, Tracer tracer, Alerter alerter) {
    }

    MeterRegistry metrics() {
        return reporting.metrics();
    }

    Tracer tracer() {
        return reporting.tracer();
    }

    Alerter alerter() {
        return reporting.alerter();
    }
}
