package dev.capstan.agent.cluster;

/**
 * The kinds of records the agent keeps: each is found by its owner label and stored with its own type, so a reader
 * of one kind never sees another's.
 */
public enum RecordKind {
    RELEASES("capstan-releases", "capstan.dev/release.v1"),
    INCIDENTS("capstan-incidents", "capstan.dev/incident.v1"),
    SHARD_VIEWS("capstan-shard-views", "capstan.dev/shard-view.v1");

    private final String owner;
    private final String type;

    RecordKind(String owner, String type) {
        this.owner = owner;
        this.type = type;
    }

    /** The value of {@code capstan.dev/owner} on every record of this kind. */
    public String owner() {
        return owner;
    }

    /** The Secret type records of this kind are stored with. */
    public String type() {
        return type;
    }
}
