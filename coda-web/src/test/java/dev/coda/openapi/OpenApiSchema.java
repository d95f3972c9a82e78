package dev.coda.openapi;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official OpenAPI 3.1 schema (with its JSON Schema dialect, so Schema Objects are checked too), loaded from this
 * module's test resources, never the network; for tests of generated documents.
 *
 * <pre>{@code
 * assertThat(OpenApiSchema.errors(app.openapi())).isEmpty();
 * }</pre>
 */
public final class OpenApiSchema {

    private static final String BASE = "https://spec.openapis.org/oas/3.1/";
    private static final Schema SCHEMA = load();

    private OpenApiSchema() {
    }

    /** What is wrong with the document, one line per error; empty when it is a valid OpenAPI 3.1 document. */
    public static List<String> errors(String document) {
        return SCHEMA.validate(document, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    private static Schema load() {
        var files = new LinkedHashMap<String, String>();
        files.put(BASE + "schema/2022-10-07", resource("schema.json"));
        files.put(BASE + "schema-base/2022-10-07", resource("schema-base.json"));
        files.put(BASE + "dialect/base", resource("dialect-base.schema.json"));
        files.put(BASE + "meta/base", resource("meta-base.schema.json"));
        var registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.copyOf(files)).schemaLoader(loader -> loader.fetchRemoteResources(false)));
        return registry.getSchema(SchemaLocation.of(BASE + "schema-base/2022-10-07"));
    }

    private static String resource(String name) {
        try (var in = OpenApiSchema.class.getResourceAsStream("oas-3.1/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource oas-3.1/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
