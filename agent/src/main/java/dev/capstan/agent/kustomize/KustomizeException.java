package dev.capstan.agent.kustomize;

/** A build kustomize refused or the engine could not finish (deadline, memory, output); the message says which. */
public final class KustomizeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient java.util.List<String> touched;

    public KustomizeException(String message) {
        this(message, java.util.List.of());
    }

    /** A build refused after reading {@code touched} (paths in the checkout): it fails alike until they change. */
    public KustomizeException(String message, java.util.List<String> touched) {
        super(message, null, false, false);
        this.touched = java.util.List.copyOf(touched);
    }

    /** What the refused build read, listed or probed; empty when it did not get that far. */
    public java.util.List<String> touched() {
        return touched;
    }
}
