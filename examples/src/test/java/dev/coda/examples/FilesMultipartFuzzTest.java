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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated multipart bodies against the {@code files} app's {@code POST /files}, through the whole
 * pipeline ({@link TestClient}, in-process): each is accepted ({@code 202}) or refused with a {@code 4xx} in
 * FastAPI's shape that names no Java class, never a {@code 500}; answered within seconds; and no line is logged
 * above INFO for it. Forms are built from parts with or without {@code Content-Disposition}, names, file names and
 * types, contents that contain boundaries and line breaks, then mutated (bytes flipped, cut, repeated, boundaries
 * inserted); boundaries and {@code Content-Type} headers are random too. Inputs come from a seeded
 * {@link SplittableRandom}, so a run is repeatable from its seed, as in coda-web's {@code ParserFuzzTest}.
 *
 * <p>Brief in the build ({@code fuzz.tries}, 300, with a fixed seed); longer on demand, with a new seed:
 * {@code mvn -B -pl examples -am verify -Dtest=FilesMultipartFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -DskipITs -Dfuzz.tries=20000 -Dfuzz.seed=random}. A failure names its seed and try.
 */
class FilesMultipartFuzzTest {

    /** A Java class name in an answer: {@code java.io.EOFException}, {@code NullPointerException}. */
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*|\\w*(?:Exception|Error)\\b");
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private static Path dir;
    private static TaskEngine engine;
    private static TestClient client;
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

    private static final int TRIES = Integer.getInteger("fuzz.tries", 300);
    private static final long SEED = "random".equals(System.getProperty("fuzz.seed"))
            ? System.nanoTime() : Long.getLong("fuzz.seed", 20261203L);

    @BeforeAll
    static void startTheApp() throws IOException {
        dir = Files.createTempDirectory("coda-files-fuzz-");
        engine = TaskEngine.sqlite(dir.resolve("tasks.db"));
        var durable = DurableTasks.on(engine).task(FileJobs::process).build();
        var jobs = new FileJobs(UploadStore.database(durable), java.time.Duration.ZERO);
        client = TestClient.of(Coda.app().routes(new FilesApp(durable, jobs)).durable(durable).build());
        logs.start();
    }

    @AfterAll
    static void stopTheApp() throws IOException {
        logs.stop();
        client.close();
        engine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void anyMultipartBodyIsAcceptedOrA4xxThatNamesNoJavaClassNeverA500() {
        var random = new SplittableRandom(SEED);
        for (int i = 0; i < TRIES; i++) {
            var form = form(random);
            try {
                check(form);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + SEED + ", try " + i + ":\n" + form + "\n" + e.getMessage(), e);
            }
        }
    }

    private static void check(Form form) {
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

    private static Form form(SplittableRandom random) {
        var boundary = boundary(random);
        var parts = new ArrayList<Part>();
        for (int i = random.nextInt(5); i > 0; i--) {
            parts.add(part(random));
        }
        var body = write(boundary, parts, random.nextInt(4) != 0);
        for (int i = random.nextInt(4); i > 0; i--) {
            body = mutate(body, boundary, random);
        }
        return new Form(pick(random, Style.values()).header(boundary), body);
    }

    private static final String[] BOUNDARIES = {"b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "x".repeat(70), "x".repeat(200),
        "a b", "--", "\"q\""};

    private static String boundary(SplittableRandom random) {
        if (random.nextBoolean()) {
            return pick(random, BOUNDARIES);
        }
        var out = new StringBuilder();
        for (int i = 1 + random.nextInt(30); i > 0; i--) {
            out.append((char) random.nextInt('!', '~' + 1));
        }
        return out.toString();
    }

    /** How the boundary appears in the header: plain, quoted, missing, another type, odd parameters. */
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

    private static final String[] DISPOSITIONS = {
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"",
        "Content-Disposition: form-data; name=\"note\"",
        "Content-Disposition: form-data; name=file",
        "Content-Disposition: form-data",
        "Content-Disposition: form-data; name=\"\"",
        "Content-Disposition: attachment; filename=\"x\"",
        "Content-Disposition: form-data; name=\"unterminated",
        "Content-Disposition: form-data; filename*=UTF-8''%E2%82%AC.txt; name=\"file\"",
        "Content-Disposition:",
        "content-disposition: FORM-DATA; NAME=\"file\""};
    private static final String[] OTHER_HEADERS = {"Content-Type: text/plain", "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: base64", "X-Odd: \u00e9t\u00e9", "no colon here", ": empty name", "Content-Length: 5"};
    private static final String[] CONTENTS = {"line one\nline two\n", "", "\r\n--b\r\n", "--b--"};

    private static Part part(SplittableRandom random) {
        var headers = new ArrayList<String>();
        for (int i = random.nextInt(4); i > 0; i--) {
            headers.add(random.nextBoolean() ? pick(random, DISPOSITIONS) : pick(random, OTHER_HEADERS));
        }
        return new Part(headers, content(random));
    }

    private static byte[] content(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                var bytes = new byte[random.nextInt(201)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case 1 -> {
                var out = new StringBuilder();
                for (int i = random.nextInt(61); i > 0; i--) {
                    out.append("ab\r\n-".charAt(random.nextInt(5)));
                }
                yield out.toString().getBytes(StandardCharsets.US_ASCII);
            }
            default -> pick(random, CONTENTS).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A change to a written body, given its boundary: cut, a byte flipped, a boundary or line break inserted, doubled. */
    private static byte[] mutate(byte[] body, String boundary, SplittableRandom random) {
        double where = random.nextDouble();
        return switch (random.nextInt(6)) {
            case 0 -> cut(body, where);
            case 1 -> flip(body, where, (byte) random.nextInt(256));
            case 2 -> insert(body, where, ("\r\n--" + boundary + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            case 3 -> insert(body, where, ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1));
            case 4 -> insert(body, where, CRLF);
            default -> concat(body, body);
        };
    }

    private static <T> T pick(SplittableRandom random, T[] values) {
        return values[random.nextInt(values.length)];
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
        return Arrays.copyOf(body, index(body, where));
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
        var out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
