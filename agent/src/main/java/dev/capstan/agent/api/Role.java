package dev.capstan.agent.api;

/** What a token may do: viewer ⊂ deployer ⊂ admin. */
public enum Role {
    VIEWER, DEPLOYER, ADMIN;

    public boolean allows(Role required) {
        return compareTo(required) >= 0;
    }
}
