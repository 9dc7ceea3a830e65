package dev.capstan.agent.chart;

import dev.capstan.agent.model.Capabilities;
import io.pebbletemplates.pebble.attributes.methodaccess.MethodAccessValidator;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Templates come from git, so they are untrusted: no Java method may be called from a template, except the one query
 * method of {@link Capabilities.ApiVersions} and the two accessors of a map entry ({@code e.key}, {@code e.value}
 * when a template iterates a map, like Helm's {@code range $k, $v}). Map and list access do not go through methods
 * and stay allowed.
 */
final class SandboxedMethodAccess implements MethodAccessValidator {
    @Override
    public boolean isMethodAccessAllowed(Object object, Method method) {
        if (object instanceof Capabilities.ApiVersions) {
            return method.getName().equals("has");
        }
        return object instanceof Map.Entry<?, ?> && method.getParameterCount() == 0
                && (method.getName().equals("getKey") || method.getName().equals("getValue"));
    }
}
