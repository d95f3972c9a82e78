package dev.coda.benchmarks;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The ceiling: tutorial002 written by hand on bare Jetty 12 core, set up as Coda's {@code JettyServer} is
 * (a {@link QueuedThreadPool} running blocking handlers on virtual threads, no Server header, a graceful
 * handler). Same answer bytes and headers as Coda ({@code {"message":"Message sent"}},
 * {@code application/json}, {@code Content-Length}), and the same two appends to {@code log.txt} after
 * the response, on a virtual thread started from Jetty's completion listener. No routing table, no
 * binding, no JSON library, no task bookkeeping: what Coda adds is measured against this.
 * SIGTERM stops it gracefully and waits for every append before the JVM exits.
 */
public final class CeilingServer {

    private static final String PREFIX = "/send-notification/";
    private static final byte[] BODY = "{\"message\":\"Message sent\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = "{\"detail\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
    private static final Path LOG = Path.of("log.txt");

    private CeilingServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        var host = System.getenv().getOrDefault("HOST", "127.0.0.1");
        var tasks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ceiling-task-", 0).factory());

        var threads = new QueuedThreadPool();
        threads.setName("ceiling");
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ceiling-request-", 0).factory()));
        var server = new Server(threads);
        var config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        var connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new Tutorial002Handler(tasks)));
        server.setStopTimeout(30_000);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                e.printStackTrace();
            }
            tasks.close();    // waits for every append
        }, "ceiling-shutdown"));
        System.out.println("ceiling is listening on http://" + host + ":" + connector.getLocalPort());
        server.join();
    }

    static void append(String line) {
        try {
            Files.writeString(LOG, line, CREATE, APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code POST /send-notification/{email}?q=...}, by hand. */
    static final class Tutorial002Handler extends Handler.Abstract {
        private final ExecutorService tasks;

        Tutorial002Handler(ExecutorService tasks) {
            super(InvocationType.BLOCKING);
            this.tasks = tasks;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            var path = request.getHttpURI().getPath();
            if (!"POST".equals(request.getMethod()) || path == null || !path.startsWith(PREFIX)
                    || path.length() == PREFIX.length() || path.indexOf('/', PREFIX.length()) >= 0) {
                write(response, 404, NOT_FOUND, callback);
                return true;
            }
            var email = decode(path.substring(PREFIX.length()).replace("+", "%2B"));   // a path's '+' is a plus
            var q = queryParameter(request.getHttpURI().getQuery(), "q");
            var first = q != null && !q.isEmpty() ? "found query: " + q + "\n" : null;
            var second = "message to " + email + "\n";
            Request.addCompletionListener(request, failure -> tasks.execute(() -> {
                if (first != null) {
                    append(first);
                }
                append(second);
            }));
            write(response, 200, BODY, callback);
            return true;
        }

        private static void write(Response response, int status, byte[] body, Callback callback) {
            response.setStatus(status);
            var headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, "application/json");
            headers.put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }

        /** The last value of {@code name} in a raw query string (Starlette's rule), or {@code null}. */
        static String queryParameter(String query, String name) {
            if (query == null || query.isEmpty()) {
                return null;
            }
            String value = null;
            int start = 0;
            while (start <= query.length()) {
                int end = query.indexOf('&', start);
                if (end < 0) {
                    end = query.length();
                }
                int eq = query.indexOf('=', start);
                if (eq >= 0 && eq < end && eq - start == name.length() && query.startsWith(name, start)) {
                    value = decode(query.substring(eq + 1, end));
                }
                start = end + 1;
            }
            return value;
        }

        private static String decode(String s) {
            if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
                return s;
            }
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return s;
            }
        }
    }
}
