package dev.capstan.agent.chart;

import io.pebbletemplates.pebble.attributes.methodaccess.MethodAccessValidator;
import java.lang.reflect.Method;

/**
 * Templates come from git, so they are untrusted: no Java method may be called from a template, except the one query
 * method of {@link Capabilities.ApiVersions}. Map and list access do not go through methods and stay allowed.
 */
final class SandboxedMethodAccess implements MethodAccessValidator {
    @Override
    public boolean isMethodAccessAllowed(Object object, Method method) {
        return object instanceof Capabilities.ApiVersions && method.getName().equals("has");
    }
}
