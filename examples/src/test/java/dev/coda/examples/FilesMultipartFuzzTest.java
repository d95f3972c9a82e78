package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.Coda;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated multipart bodies against the {@code files} app's {@code POST /files}, through the whole
 * pipeline ({@link TestClient}, in-process): each is accepted ({@code 202}) or refused with a {@code 4xx} in
 * FastAPI's shape that names no Java class, never a {@code 500}; answered within seconds; and no line is logged
 * above INFO for it. Forms are built from parts with or without {@code Content-Disposition}, names, file names and
 * types, contents that contain boundaries and line breaks, then mutated (bytes flipped, cut, repeated, boundaries
 * inserted); boundaries and {@code Content-Type} headers are random too.
 *
 * <p>Brief in the build (300 tries: {@code jqwik.tries.default} in {@code junit-platform.properties}); longer on
 * demand: {@code mvn -B -pl examples -am verify -Dtest=FilesMultipartFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -DskipITs -Djqwik.tries.default=20000}.
 */
class FilesMultipartFuzzTest {

    /** A Java class name in an answer: {@code java.io.EOFException}, {@code NullPointerException}. */
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*|\\w*(?:Exception|Error)\\b");
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private static Path dir;
    private static TaskEngine engine;
    private static TestClient client;
    private static UploadStore previousUploads;
    private static final LogLines logs = new LogLines();

    /** What the client sends: a {@code Content-Type} header and a body. */
    record Form(String contentType, byte[] body) {
        @Override
        public String toString() {
            return "Content-Type: " + contentType + "\n" + new String(body, StandardCharsets.ISO_8859_1)
                    .replace("\r", "\\r").replace("\n", "\\n\n");
        }
    }

    /** One part: its headers as written (none, one, several; well-formed or not) and its content. */
    record Part(List<String> headers, byte[] content) {
    }

    @BeforeContainer
    static void startTheApp() throws IOException {
        dir = Files.createTempDirectory("coda-files-fuzz-");
        engine = TaskEngine.sqlite(dir.resolve("tasks.db"));
        var durable = DurableTasks.on(engine).task(FileJobs::process).build();
        var uploads = UploadStore.database(durable);
        previousUploads = FileJobs.uploads;
        FileJobs.uploads = uploads;
        client = TestClient.of(Coda.app().routes(new FilesApp(durable, uploads)).durable(durable).build());
        logs.start();
    }

    @AfterContainer
    static void stopTheApp() throws IOException {
        logs.stop();
        client.close();
        engine.close();
        FileJobs.uploads = previousUploads;
        try (Stream<Path> files = Files.walk(dir)) {
            for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Property
    void anyMultipartBodyIsAcceptedOrA4xxThatNamesNoJavaClassNeverA500(@ForAll("forms") Form form) {
        int logged = logs.count();
        long start = System.nanoTime();
        var response = client.request("POST", "/files").body(form.body(), form.contentType()).send();
        var took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("answered in time").isLessThan(ANSWER_WITHIN);
        assertThat(response.status()).as("%s", response.text()).satisfiesAnyOf(
                status -> assertThat(status).isEqualTo(202),
                status -> assertThat(status).isBetween(400, 499));
        if (response.status() == 202) {
            assertThat(((Map<?, ?>) response.json()).get("status")).isEqualTo("queued");
        } else {
            assertThat(response.json()).as("FastAPI's shape").isInstanceOfSatisfying(Map.class,
                    body -> assertThat(body).containsOnlyKeys("detail"));
            assertThat(JAVA_CLASS.matcher(response.text()).find()).as("a Java class name in %s", response.text()).isFalse();
        }
        assertThat(logs.since(logged)).as("lines above INFO").filteredOn(LogLines::aboveInfo).isEmpty();
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Form> forms() {
        var boundary = boundaries();
        return Combinators.combine(boundary, parts().list().ofMaxSize(4), Arbitraries.of(true, true, true, false),
                        contentTypeStyles(), mutations().list().ofMaxSize(3))
                .as((b, parts, closed, style, mutations) -> {
                    var body = write(b, parts, closed);
                    for (var mutation : mutations) {
                        body = mutation.apply(body, b);
                    }
                    return new Form(style.header(b), body);
                });
    }

    private static Arbitrary<String> boundaries() {
        return Arbitraries.oneOf(
                Arbitraries.of("b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "x".repeat(70), "x".repeat(200), "a b", "--", "\"q\""),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(30));
    }

    /** How the boundary appears in the header: plain, quoted, missing, another type, odd parameters. */
    private static Arbitrary<Style> contentTypeStyles() {
        return Arbitraries.of(Style.values());
    }

    enum Style {
        PLAIN, QUOTED, NO_BOUNDARY, EMPTY_BOUNDARY, UPPER_CASE, EXTRA_PARAMETERS, OTHER_TYPE;

        String header(String boundary) {
            var printable = boundary.replaceAll("[^\\x20-\\x7e]", "_");
            return switch (this) {
                case PLAIN -> "multipart/form-data; boundary=" + printable;
                case QUOTED -> "multipart/form-data; boundary=\"" + printable + "\"";
                case NO_BOUNDARY -> "multipart/form-data";
                case EMPTY_BOUNDARY -> "multipart/form-data; boundary=";
                case UPPER_CASE -> "MULTIPART/FORM-DATA; BOUNDARY=" + printable;
                case EXTRA_PARAMETERS -> "multipart/form-data; charset=utf-8; boundary=" + printable + "; boundary=other;;=";
                case OTHER_TYPE -> "multipart/mixed; boundary=" + printable;
            };
        }
    }

    private static Arbitrary<Part> parts() {
        Arbitrary<String> disposition = Arbitraries.of(
                "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"",
                "Content-Disposition: form-data; name=\"note\"",
                "Content-Disposition: form-data; name=file",
                "Content-Disposition: form-data",
                "Content-Disposition: form-data; name=\"\"",
                "Content-Disposition: attachment; filename=\"x\"",
                "Content-Disposition: form-data; name=\"unterminated",
                "Content-Disposition: form-data; filename*=UTF-8''%E2%82%AC.txt; name=\"file\"",
                "Content-Disposition:",
                "content-disposition: FORM-DATA; NAME=\"file\"");
        Arbitrary<String> other = Arbitraries.of("Content-Type: text/plain", "Content-Type: application/octet-stream",
                "Content-Transfer-Encoding: base64", "X-Odd: \u00e9t\u00e9", "no colon here", ": empty name", "Content-Length: 5");
        var headers = Arbitraries.oneOf(disposition, other).list().ofMaxSize(3);
        return Combinators.combine(headers, contents()).as(Part::new);
    }

    private static Arbitrary<byte[]> contents() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.strings().withChars("ab\r\n-").ofMaxLength(60).map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.of("line one\nline two\n", "", "\r\n--b\r\n", "--b--").map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    /** A change to a written body, given its boundary. */
    @FunctionalInterface
    interface Mutation {
        byte[] apply(byte[] body, String boundary);
    }

    private static Arbitrary<Mutation> mutations() {
        var at = Arbitraries.doubles().between(0, 1);
        return Arbitraries.oneOf(
                at.map(where -> (body, b) -> cut(body, where)),
                Combinators.combine(at, Arbitraries.bytes()).as((where, value) -> (body, b) -> flip(body, where, value)),
                at.map(where -> (body, b) -> insert(body, where, ("\r\n--" + b + "\r\n").getBytes(StandardCharsets.ISO_8859_1))),
                at.map(where -> (body, b) -> insert(body, where, ("--" + b + "--").getBytes(StandardCharsets.ISO_8859_1))),
                at.map(where -> (body, b) -> insert(body, where, CRLF)),
                Arbitraries.just((body, b) -> concat(body, body)));
    }

    private static byte[] write(String boundary, List<Part> parts, boolean closed) {
        var out = new ByteArrayOutputStream();
        var dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        for (var part : parts) {
            out.writeBytes(dashBoundary);
            out.writeBytes(CRLF);
            for (var header : part.headers()) {
                out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
                out.writeBytes(CRLF);
            }
            out.writeBytes(CRLF);
            out.writeBytes(part.content());
            out.writeBytes(CRLF);
        }
        if (closed) {
            out.writeBytes(dashBoundary);
            out.writeBytes("--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static int index(byte[] body, double where) {
        return (int) Math.min(body.length, Math.floor(where * (body.length + 1)));
    }

    private static byte[] cut(byte[] body, double where) {
        return java.util.Arrays.copyOf(body, index(body, where));
    }

    private static byte[] flip(byte[] body, double where, byte value) {
        if (body.length == 0) {
            return body;
        }
        var out = body.clone();
        out[Math.min(out.length - 1, index(body, where))] = value;
        return out;
    }

    private static byte[] insert(byte[] body, double where, byte[] inserted) {
        int i = index(body, where);
        var out = new byte[body.length + inserted.length];
        System.arraycopy(body, 0, out, 0, i);
        System.arraycopy(inserted, 0, out, i, inserted.length);
        System.arraycopy(body, i, out, i + inserted.length, body.length - i);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
