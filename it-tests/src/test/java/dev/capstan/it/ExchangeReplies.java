package dev.capstan.it;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Answers for the JDK HTTP servers the tests run on loopback in place of other systems. */
final class ExchangeReplies {
    private ExchangeReplies() {
    }

    /** Sends {@code body} (UTF-8) with {@code status} and closes the exchange. */
    static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
