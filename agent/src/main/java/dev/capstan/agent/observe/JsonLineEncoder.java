package dev.capstan.agent.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One JSON object per log line: {@code time}, {@code message}, {@code logger_name}, {@code thread_name},
 * {@code level}, then the MDC ({@code chart}, {@code env}, {@code commit}, {@code revision} during a unit's work) and
 * {@code stack_trace} when there is one — the fields the logstash encoder wrote before, on the Jackson the agent
 * already loads (the logstash encoder brought a second Jackson, ~580 classes, for this alone).
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NEWLINE = {'\n'};
    private final JsonFactory json = new JsonFactory();

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator line = json.createGenerator(out)) {
            line.writeStartObject();
            line.writeStringField("time", event.getInstant().toString());
            line.writeStringField("message", event.getFormattedMessage());
            line.writeStringField("logger_name", event.getLoggerName());
            line.writeStringField("thread_name", event.getThreadName());
            line.writeStringField("level", event.getLevel().toString());
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> entry : mdc.entrySet()) {
                    line.writeStringField(entry.getKey(), entry.getValue());
                }
            }
            if (event.getThrowableProxy() != null) {
                line.writeStringField("stack_trace", ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            line.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeBytes(NEWLINE);
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
