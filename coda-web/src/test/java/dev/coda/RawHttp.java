package dev.coda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A bare HTTP/1.1 connection over a real socket: raw bytes out, responses parsed by Content-Length. */
final class RawHttp implements AutoCloseable {

    /** A parsed response; header names in lower case. */
    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Whether nothing listens on the loopback {@code port} any more (a stopped server). */
    static boolean refusesConnections(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return false;
        } catch (java.net.ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    RawHttp(int port) throws IOException {
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends no more: the server reads the end of the stream, and the response can still be read. */
    RawHttp endOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Reads one response; its body is read by Content-Length, and is empty when {@code head} or without it. */
    Reply read(boolean head) throws IOException {
        var statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        var parts = statusLine.split(" ", 3);
        var headers = new LinkedHashMap<String, String>();
        for (var line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new IOException("unexpected chunked response: " + headers);
        }
        var length = head || !headers.containsKey("content-length") ? 0 : Integer.parseInt(headers.get("content-length"));
        var body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("body cut short: " + body.length + " of " + length + " bytes");
        }
        return new Reply(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    Reply read() throws IOException {
        return read(false);
    }

    /** Whether the server closed the connection: the next read sees the end of the stream (or a reset). */
    boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /**
     * Whether the server neither answers nor closes the connection for {@code duration}: the wait is the assertion,
     * as nothing else can show that nothing happens.
     */
    boolean silentFor(Duration duration) throws IOException {
        socket.setSoTimeout(Math.toIntExact(duration.toMillis()));
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException silent) {
            return true;
        } finally {
            socket.setSoTimeout(20_000);
        }
    }

    private String line() throws IOException {
        var buffer = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                var bytes = buffer.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            buffer.write(c);
        }
        return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
