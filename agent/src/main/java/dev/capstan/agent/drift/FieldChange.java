package dev.capstan.agent.drift;

/**
 * One owned field whose live value differs from what Capstan would apply. {@code path} reads like
 * {@code spec.template.spec.containers[name=api].image}; a value is null where the field is absent. Secret data
 * appears only as a salted hash.
 */
public record FieldChange(String path, Object live, Object desired) {
}
