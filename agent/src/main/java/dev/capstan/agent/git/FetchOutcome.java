package dev.capstan.agent.git;

/** What one guarded fetch came to. */
public sealed interface FetchOutcome {

    record Fetched(Revision revision) implements FetchOutcome {
    }

    /** The remote failed; {@code circuitOpen}: it has failed so often that no fetch was even tried. */
    record Failed(String message, boolean circuitOpen) implements FetchOutcome {
    }
}
