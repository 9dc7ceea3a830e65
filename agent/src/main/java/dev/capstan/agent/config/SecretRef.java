package dev.capstan.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a secret lives: a file (a mounted Secret) or an environment variable. Never the secret itself: the config
 * stays safe to print, and a rotated file is picked up on the next read.
 */
public sealed interface SecretRef {

    /** Reads the secret now; never blank. The message of a failure names where it looked, never a value. */
    Secret read();

    record FromFile(Path path) implements SecretRef {
        @Override
        public Secret read() {
            String value;
            try {
                value = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException("secret file " + path + " cannot be read");
            }
            if (value.isEmpty()) {
                // An empty secret would make every signature or token check trivial to pass.
                throw new ConfigException("secret file " + path + " is empty");
            }
            return new Secret(value);
        }

        @Override
        public String toString() {
            return "file " + path;
        }
    }

    record FromEnv(String variable) implements SecretRef {
        @Override
        public Secret read() {
            String value = System.getenv(variable);
            if (value == null || value.isBlank()) {
                throw new ConfigException("environment variable " + variable + " is not set");
            }
            return new Secret(value.strip());
        }

        @Override
        public String toString() {
            return "env " + variable;
        }
    }

    /** A secret value. {@code toString} never shows it, so it cannot leak into a log line by accident. */
    record Secret(String value) {
        @Override
        public String toString() {
            return "***";
        }
    }
}
