package dev.capstan.agent.kustomize;

/** A build kustomize refused or the engine could not finish (deadline, memory, output); the message says which. */
public final class KustomizeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KustomizeException(String message) {
        super(message, null, false, false);
    }
}
