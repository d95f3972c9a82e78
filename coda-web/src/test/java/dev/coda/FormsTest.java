package dev.coda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coda.tasks.BackgroundTasks;
import dev.coda.testing.TestClient;
import dev.coda.testing.TestResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Form fields, form records and uploads: binding, FastAPI's errors, limits, and when temporary files go. */
@SuppressWarnings("unchecked")
class FormsTest {

    /** What the upload tasks read, in order. */
    static final ConcurrentLinkedQueue<String> READ_BY_TASKS = new ConcurrentLinkedQueue<>();

    public record Signup(String username, int age, Optional<String> note, List<String> tags) {
    }

    public static final class Routes {
        @Post("/profile")
        public Map<String, Object> profile(@Form String name, @Form int age, @Form List<String> tags, @Form("the-note") Optional<String> note) {
            var out = new LinkedHashMap<String, Object>();
            out.put("name", name);
            out.put("age", age);
            out.put("tags", tags);
            out.put("note", note.orElse(null));
            return out;
        }

        @Post("/signup")
        public Signup signup(@Form Signup form) {
            return form;
        }

        @Post("/upload")
        public Map<String, Object> upload(UploadFile file, BackgroundTasks tasks) throws IOException {
            tasks.addTask(FormsTest::readInTask, file);
            var out = new LinkedHashMap<String, Object>();
            out.put("filename", file.filename());
            out.put("size", file.size());
            out.put("content_type", file.contentType().orElse(null));
            try (var in = file.open()) {
                out.put("first", new String(in.readNBytes(5), StandardCharsets.UTF_8));
            }
            return out;
        }

        @Post("/bytes")
        public Map<String, Object> bytes(@File byte[] data, @File Optional<UploadFile> extra, @Form String token) {
            return Map.of("size", data.length, "extra", extra.map(UploadFile::filename).orElse("none"), "token", token);
        }
    }

    public static void readInTask(UploadFile file) {
        READ_BY_TASKS.add(new String(file.bytes(), StandardCharsets.UTF_8));
    }

    @TempDir
    Path temp;

    private TestClient client;

    @BeforeEach
    void start() {
        READ_BY_TASKS.clear();
        client = TestClient.of(Coda.app().routes(new Routes())
                .formLimits(l -> l.tempDirectory(temp).memoryThreshold(64).maxFileSize(4096).maxFieldSize(1024).maxParts(10)
                        .maxRequestSize(16384))
                .build(), TestClient.TaskMode.HOLD);
    }

    @AfterEach
    void stop() {
        client.close();
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            return files.toList();
        }
    }

    private static List<Object> detail(TestResponse response) {
        return List.copyOf((List<?>) response.json(Map.class).get("detail"));
    }

    private static Map<String, Object> missing(String... loc) {
        var error = new LinkedHashMap<String, Object>();
        error.put("type", "missing");
        error.put("loc", List.of((Object[]) loc));
        error.put("msg", "Field required");
        error.put("input", null);
        return error;
    }

    @Nested
    class Fields {
        @Test
        void urlencodedAndMultipartFieldsBindWithTheQueryRules() {
            var urlencoded = client.request("POST", "/profile").form("name", "Zoë").form("age", "42").form("tags", "a")
                    .form("tags", "b").form("the-note", "hi").send();
            assertThat(urlencoded.json()).isEqualTo(Map.of("name", "Zoë", "age", 42, "tags", List.of("a", "b"), "note", "hi"));

            var multipart = client.request("POST", "/profile").form("name", "Bo").form("age", "7").form("tags", "x")
                    .file("ignored", "f.txt", "text/plain", new byte[] {1}).send();
            assertThat(multipart.status()).isEqualTo(200);
            assertThat(multipart.json(Map.class)).containsEntry("name", "Bo").containsEntry("tags", List.of("x"));
        }

        @Test
        void errorsAreFastApisAtBodyAndTheFieldName() {
            var response = client.request("POST", "/profile").form("name", "").form("age", "old").send();

            assertThat(response.status()).isEqualTo(422);
            var detail = detail(response);
            assertThat(detail).hasSize(3);
            assertThat(detail.get(0)).isEqualTo(missing("body", "name"));           // FastAPI: an empty field is missing
            assertThat((Map<Object, Object>) detail.get(1)).containsEntry("type", "int_parsing").containsEntry("loc", List.of("body", "age"))
                    .containsEntry("input", "old");
            assertThat(detail.get(2)).isEqualTo(missing("body", "tags"));
        }

        @Test
        void aJsonBodyOrAnyOtherBodyIsAnEmptyForm() {
            var json = client.request("POST", "/profile").json(Map.of("name", "x", "age", 1, "tags", List.of("a"))).send();
            assertThat(json.status()).isEqualTo(422);
            assertThat(detail(json)).containsExactly(missing("body", "name"), missing("body", "age"),
                    missing("body", "tags"));
        }

        @Test
        void aFormRecordBindsItsComponentsFromTheFields() {
            var ok = client.request("POST", "/signup").form("username", "al").form("age", "30").form("tags", "t").send();
            assertThat(ok.json(Map.class)).containsEntry("username", "al").containsEntry("age", 30).containsEntry("tags", List.of("t"))
                    .containsEntry("note", null);

            var bad = client.request("POST", "/signup").form("age", "x").send();
            var detail = detail(bad);
            assertThat(detail.get(0)).isEqualTo(missing("body", "username"));
            assertThat((Map<Object, Object>) detail.get(1)).containsEntry("type", "int_parsing").containsEntry("loc", List.of("body", "age"));
        }

        @Test
        void aRouteCannotReadAFormAndAJsonBody() {
            record Item(String name) {
            }
            class Mixed {
                @Post("/mixed")
                public String mixed(@Form String name, @Body Item item) {
                    return name;
                }
            }
            assertThatThrownBy(() -> Coda.app().routes(new Mixed()).build()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reads a form (@Form name) and a JSON body");
        }
    }

    @Nested
    class Uploads {
        @Test
        void anUploadPastTheThresholdIsATemporaryFileThatOutlivesTheResponseUntilTheTasksHaveRun() throws IOException {
            var content = "hello, ".repeat(100);           // 700 bytes: past the 64-byte threshold
            var response = client.request("POST", "/upload").file("file", "greeting.txt", "text/plain",
                    content.getBytes(StandardCharsets.UTF_8)).send();

            assertThat(response.json()).isEqualTo(Map.of("filename", "greeting.txt", "size", 700, "content_type", "text/plain",
                    "first", "hello"));
            assertThat(tempFiles()).as("the upload's temporary file, kept for the held task").hasSize(1);
            assertThat(READ_BY_TASKS).isEmpty();

            client.runHeldTasks();

            assertThat(READ_BY_TASKS).containsExactly(content);
            assertThat(tempFiles()).as("deleted once the task has run").isEmpty();
        }

        @Test
        void bytesTakeAFileOrATextFieldAndAnOptionalFileMayBeAbsent() {
            var file = client.request("POST", "/bytes").file("data", "d.bin", null, new byte[100]).form("token", "t").send();
            assertThat(file.json()).isEqualTo(Map.of("size", 100, "extra", "none", "token", "t"));

            var both = client.request("POST", "/bytes").form("data", "abc").file("extra", "e.txt", "text/plain", new byte[] {1})
                    .form("token", "t").send();
            assertThat(both.json()).isEqualTo(Map.of("size", 3, "extra", "e.txt", "token", "t"));
        }

        @Test
        void aTextWhereAFileIsExpectedIsFastApisValueError() {
            var response = client.request("POST", "/upload").form("file", "not a file").send();

            assertThat(response.status()).isEqualTo(422);
            assertThat(response.text()).isEqualTo("{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"body\",\"file\"],"
                    + "\"msg\":\"Value error, Expected UploadFile, received: <class 'str'>\",\"input\":\"not a file\",\"ctx\":{\"error\":{}}}]}");
        }
    }

    @Nested
    class Limits {
        private TestResponse multipart(String contentType, String body) {
            return client.request("POST", "/bytes").body(body, contentType).send();
        }

        @Test
        void aFileOverItsLimitIs413AndLeavesNoTemporaryFile() throws IOException {
            var response = client.request("POST", "/bytes").file("data", "big.bin", null, new byte[5000]).form("token", "t").send();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json()).isEqualTo(Map.of("detail", "File exceeded maximum size of 4096 bytes."));
            client.runHeldTasks();
            assertThat(tempFiles()).isEmpty();
        }

        @Test
        void aFieldOverItsLimitIs413WithStarlettesWords() throws IOException {
            var response = client.request("POST", "/bytes").file("data", "d", null, new byte[1]).form("token", "x".repeat(2000)).send();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Part exceeded maximum size of 1KB."));
            client.runHeldTasks();
            assertThat(tempFiles()).isEmpty();
        }

        @Test
        void aBodyOverTheRequestLimitIs413() {
            var request = client.request("POST", "/bytes");
            for (int i = 0; i < 5; i++) {
                request.file("data", "d" + i, null, new byte[4000]);
            }
            var response = request.send();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Content Too Large"));
        }

        @Test
        void tooManyPartsIs400AsInStarlette() {
            var request = client.request("POST", "/bytes").file("data", "d", null, new byte[1]);
            for (int i = 0; i < 11; i++) {
                request.form("token", "t" + i);
            }
            var response = request.send();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Too many parts. Maximum number of parts is 10."));
        }

        @Test
        void aMultipartBodyWithoutBoundaryIsStarlettes400() {
            var response = multipart("multipart/form-data", "--b\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nt\r\n--b--\r\n");

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json()).isEqualTo(Map.of("detail", "Missing boundary in multipart."));
        }

        @Test
        void aTruncatedMultipartBodyIs400AndLeavesNoTemporaryFile() throws IOException {
            var body = "--b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"a\"\r\n\r\n" + "x".repeat(500);
            var response = multipart("multipart/form-data; boundary=b", body);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json()).isEqualTo(Map.of("detail", "There was an error parsing the body"));
            client.runHeldTasks();
            assertThat(tempFiles()).isEmpty();
        }

        @Test
        void aWrongContentTypeIsAnEmptyFormSoEveryFieldIsMissing() {
            var response = client.request("POST", "/bytes").body("data=1&token=2", "text/plain").send();

            assertThat(response.status()).isEqualTo(422);
            assertThat(detail(response)).containsExactly(missing("body", "data"), missing("body", "token"));
        }
    }
}
