package dev.capstan.agent.health;

/** What the live status of one object says about a rollout. */
public sealed interface Health {
    String reason();

    /** Done and serving. */
    record Healthy(String reason) implements Health {
    }

    /** Not there yet, and nothing says it will not get there: keep waiting (up to the step timeout). */
    record Progressing(String reason) implements Health {
    }

    /** A clear failure signal (CrashLoopBackOff, ProgressDeadlineExceeded, Job failed...): fail the gate now. */
    record Degraded(String reason) implements Health {
    }

    static Health healthy() {
        return new Healthy("");
    }
}
