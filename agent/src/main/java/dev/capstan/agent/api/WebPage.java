package dev.capstan.agent.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /}: the web page (units, sync, drift). Three static files loaded once from the jar, served with strict
 * security headers: scripts only from this origin, no framing, no sniffing.
 */
final class WebPage {
    private static final Map<String, String> FILES = Map.of(
            "/", "text/html; charset=utf-8",
            "/app.js", "text/javascript; charset=utf-8",
            "/app.css", "text/css; charset=utf-8");

    private WebPage() {
    }

    static void mount(Router router) {
        FILES.forEach((path, type) -> {
            byte[] content = load(path.equals("/") ? "/web/index.html" : "/web" + path);
            router.get(path).handler(ctx -> serve(ctx, type, content));
        });
    }

    /** Only the page's own files; no inline script or style, no plugins, no forms, never framed. */
    static final String CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private static void serve(RoutingContext ctx, String type, byte[] content) {
        ctx.response()
                .putHeader("Content-Type", type)
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache")
                .end(io.vertx.core.buffer.Buffer.buffer(content));
    }

    private static byte[] load(String resource) {
        try (InputStream in = WebPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
