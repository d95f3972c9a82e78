package dev.coda.testing;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** A form body written by the test client: urlencoded while it has only fields, multipart once it has a file. */
final class FormBody {

    private static final String BOUNDARY = "coda-test-client-boundary-7MA4YWxkTrZu0gW";

    private record Part(String name, String filename, String contentType, byte[] content) {
    }

    private final List<Part> parts = new ArrayList<>();
    private boolean files;

    void field(String name, String value) {
        parts.add(new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8)));
    }

    void file(String name, String filename, String contentType, byte[] content) {
        parts.add(new Part(name, filename, contentType, content.clone()));
        files = true;
    }

    String contentType() {
        return files ? "multipart/form-data; boundary=" + BOUNDARY : "application/x-www-form-urlencoded";
    }

    byte[] bytes() {
        if (!files) {
            var joiner = new StringJoiner("&");
            for (var part : parts) {
                joiner.add(URLEncoder.encode(part.name(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(new String(part.content(), StandardCharsets.UTF_8), StandardCharsets.UTF_8));
            }
            return joiner.toString().getBytes(StandardCharsets.UTF_8);
        }
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            var head = new StringBuilder("--").append(BOUNDARY).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(part.name()).append('"');
            if (part.filename() != null) {
                head.append("; filename=\"").append(part.filename()).append('"');
            }
            head.append("\r\n");
            if (part.contentType() != null) {
                head.append("Content-Type: ").append(part.contentType()).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
