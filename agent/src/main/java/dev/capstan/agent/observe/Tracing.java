package dev.capstan.agent.observe;

import dev.capstan.agent.config.AgentConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * OpenTelemetry spans for reconciles (fetch, render, each rollout step's apply and gate, rollback), exported over
 * OTLP/HTTP when {@code tracing.otlpEndpoint} is set. Off by default: then the tracer is OpenTelemetry's no-op one,
 * which allocates nothing per span.
 */
public final class Tracing implements AutoCloseable {
    private static final String SCOPE = "dev.capstan.agent";

    private final Tracer tracer;
    private final SdkTracerProvider provider;

    private Tracing(Tracer tracer, SdkTracerProvider provider) {
        this.tracer = tracer;
        this.provider = provider;
    }

    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop().getTracer(SCOPE), null);
    }

    public static Tracing create(AgentConfig.Tracing config) {
        if (config.otlpEndpoint().isEmpty()) {
            return off();
        }
        String endpoint = config.otlpEndpoint().get().toString().replaceAll("/+$", "") + "/v1/traces";
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "capstan"))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(endpoint)
                        .setTimeout(Duration.ofSeconds(5)).build()).setScheduleDelay(Duration.ofMillis(500)).build())
                .build();
        OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        return new Tracing(otel.getTracer(SCOPE), provider);
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Runs {@code work} in a span (a child of the current one), marking it failed if {@code work} throws. */
    public static <T> T span(Tracer tracer, String name, Attributes attributes, Supplier<T> work) {
        Span span = tracer.spanBuilder(name).setAllAttributes(attributes).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    public static void span(Tracer tracer, String name, Attributes attributes, Runnable work) {
        span(tracer, name, attributes, () -> {
            work.run();
            return null;
        });
    }

    /** The attributes of a unit's spans. */
    public static Attributes unit(String chart, String env, String commit) {
        return Attributes.of(AttributeKey.stringKey("capstan.chart"), chart, AttributeKey.stringKey("capstan.env"),
                env, AttributeKey.stringKey("capstan.commit"), commit);
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
