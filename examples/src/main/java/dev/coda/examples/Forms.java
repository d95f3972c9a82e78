package dev.coda.examples;

import dev.coda.Coda;
import dev.coda.File;
import dev.coda.Form;
import dev.coda.Post;
import dev.coda.UploadFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FastAPI's forms and files tutorials ({@code request_forms_and_files}, {@code request_forms}, {@code request_files}) in
 * one app: {@code java -jar coda-examples.jar forms}. FastAPI's own version is
 * {@code src/test/resources/openapi/fastapi/forms.py}; {@code FormsParityTest} replays FastAPI's recorded answers.
 */
public final class Forms {

    /** A small file in memory, a large one streamed, and a field. */
    @Post("/files/")
    public Map<String, Object> createFile(@File byte[] file, @File UploadFile fileb, @Form String token) {
        var out = new LinkedHashMap<String, Object>();
        out.put("file_size", file.length);
        out.put("token", token);
        out.put("fileb_content_type", fileb.contentType().orElse(null));
        return out;
    }

    /** A login form (urlencoded, or multipart). */
    @Post("/login/")
    public Map<String, String> login(@Form String username, @Form String password) {
        return Map.of("username", username);
    }

    /** Several files under one name. */
    @Post("/uploadfiles/")
    public Map<String, List<String>> createUploadFiles(@File List<UploadFile> files) {
        return Map.of("filenames", files.stream().map(UploadFile::filename).toList());
    }

    /** The app. */
    public static Coda app() {
        return Coda.app().routes(new Forms()).build();
    }

    public static void main(String[] args) {
        app().run();
    }
}
