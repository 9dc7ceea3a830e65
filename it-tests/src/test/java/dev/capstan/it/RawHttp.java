package dev.capstan.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, sending the request line exactly as given: no client normalizes {@code ..},
 * {@code //} or percent-encoding on the way (like {@code curl --path-as-is}). One request per connection.
 */
final class RawHttp {
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    static Answer send(int port, String method, String rawPath, String token, String body) throws IOException {
        return sendWith(port, method, rawPath, token == null ? Map.of() : Map.of("Authorization",
                "Bearer " + token), body);
    }

    /** With these headers ({@code Host} among them replaces the loopback one). */
    static Answer sendWith(int port, String method, String rawPath, Map<String, String> headers, String body)
            throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method + " " + rawPath + " HTTP/1.1\r\nHost: "
                + headers.getOrDefault("Host", "127.0.0.1:" + port) + "\r\nConnection: close\r\nContent-Length: "
                + content.length + "\r\n");
        headers.forEach((name, value) -> {
            if (!name.equals("Host")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        head.append("\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    private static Answer parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        return new Answer(status, headers, end < 0 ? "" : text.substring(end + 4));
    }
}
