package dev.capstan.agent.config;

/**
 * An invalid configuration. The message names the file and the field:
 * {@code capstan.yaml: environments[1].name: required}.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
