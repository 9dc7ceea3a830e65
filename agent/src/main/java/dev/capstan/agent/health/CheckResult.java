package dev.capstan.agent.health;

/** One evaluation of a declared check. */
public sealed interface CheckResult {
    String check();

    String detail();

    record Passed(String check, String detail) implements CheckResult {
    }

    /** Not passing yet (wrong status, no sample, unreachable): try again until the step times out. */
    record NotYet(String check, String detail) implements CheckResult {
    }

    /**
     * The service answered, but not as the check expects (another status, a body that does not match): not passing
     * yet, and a failure once it is the answer {@code failureThreshold} times in a row.
     */
    record WrongAnswer(String check, String detail) implements CheckResult {
    }

    /** A clear failure (a Prometheus sample out of range): fail the gate now. */
    record Failed(String check, String detail) implements CheckResult {
    }
}
