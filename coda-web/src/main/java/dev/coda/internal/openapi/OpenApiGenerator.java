package dev.coda.internal.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coda.Operation;
import dev.coda.OpenApi;
import dev.coda.Responds;
import dev.coda.Response;
import dev.coda.internal.Names;
import dev.coda.internal.ReasonPhrases;
import dev.coda.internal.binding.Errors;
import dev.coda.internal.binding.Loc;
import dev.coda.internal.binding.Scalars;
import dev.coda.internal.binding.TypeShapes;
import dev.coda.internal.inject.OperationSink;
import dev.coda.internal.inject.Validation;
import dev.coda.internal.openapi.SchemaGenerator.Mode;
import dev.coda.internal.server.Route;
import dev.coda.internal.server.RouteGroup;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds an app's OpenAPI 3.1 document from its compiled routes, in FastAPI's shape and key order: what each route reads
 * comes from its plan ({@link dev.coda.internal.inject.RoutePlan#describe}), what it answers from its return type, its
 * status and its {@link Responds}; {@link Operation} adds the rest. Past 400 lines because an operation's parts (parameters,
 * JSON and form bodies, responses, security) are written in one pass to keep FastAPI's key order; schemas are
 * {@link SchemaGenerator}'s.
 *
 * <pre>{@code
 * ObjectNode document = new OpenApiGenerator(mapper, validation).generate(docs.info(), routes);
 * }</pre>
 */
public final class OpenApiGenerator {

    private static final List<String> PARAMETER_ORDER = List.of("path", "query", "header", "cookie");

    private final ObjectMapper mapper;
    private final Validation validation;

    public OpenApiGenerator(ObjectMapper mapper, Validation validation) {
        this.mapper = mapper;
        this.validation = validation;
    }

    /** The document of {@code routes} (those not {@link Route#documented()} or hidden are left out). */
    public ObjectNode generate(OpenApi info, List<Route> routes) {
        var schemas = new SchemaGenerator(mapper, validation);
        var document = mapper.createObjectNode();
        document.put("openapi", "3.1.0");
        document.set("info", info(info));
        if (!info.servers().isEmpty()) {
            var servers = document.putArray("servers");
            for (var server : info.servers()) {
                var node = servers.addObject().put("url", server.url());
                putIfPresent(node, "description", server.description());
            }
        }
        var paths = document.putObject("paths");
        var operationIds = new HashSet<String>();
        var securitySchemes = new LinkedHashMap<String, Map<String, Object>>();
        boolean validationErrors = false;
        for (var route : routes) {
            if (!route.documented() || hidden(route)) {
                continue;
            }
            var path = route.documentPath();
            var pathItem = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            validationErrors |= operation(route, path, pathItem.putObject(route.httpMethod().toLowerCase(java.util.Locale.ROOT)),
                    schemas, operationIds, securitySchemes);
        }
        if (validationErrors) {
            schemas.component("HTTPValidationError", httpValidationError(schemas));
            schemas.component("ValidationError", validationError());
        }
        var components = schemas.finish(paths);
        if (!components.isEmpty() || !securitySchemes.isEmpty()) {
            var node = document.putObject("components");
            if (!components.isEmpty()) {
                var schemaNodes = node.putObject("schemas");
                components.forEach(schemaNodes::set);
            }
            if (!securitySchemes.isEmpty()) {
                node.set("securitySchemes", mapper.valueToTree(securitySchemes));
            }
        }
        if (!info.tags().isEmpty()) {
            var tags = document.putArray("tags");
            for (var tag : info.tags()) {
                putIfPresent(tags.addObject().put("name", tag.name()), "description", tag.description());
            }
        }
        return document;
    }

    private ObjectNode info(OpenApi info) {
        var node = mapper.createObjectNode();
        node.put("title", info.title());
        node.put("version", info.version());
        putIfPresent(node, "summary", info.summary());
        putIfPresent(node, "description", info.description());
        putIfPresent(node, "termsOfService", info.termsOfService());
        if (info.contact() != null) {
            var contact = node.putObject("contact");
            putIfPresent(contact, "name", info.contact().name());
            putIfPresent(contact, "url", info.contact().url());
            putIfPresent(contact, "email", info.contact().email());
        }
        if (info.license() != null) {
            var license = node.putObject("license").put("name", info.license().name());
            putIfPresent(license, "identifier", info.license().identifier());
            putIfPresent(license, "url", info.license().url());
        }
        return node;
    }

    private static void putIfPresent(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    private static boolean hidden(Route route) {
        var own = route.method().getAnnotation(Operation.class);
        var owner = route.method().getDeclaringClass().getAnnotation(Operation.class);
        return own != null && own.hidden() || owner != null && owner.hidden();
    }

    /** What a route's bindings read: its parameters (deduplicated as FastAPI does) and bodies. */
    private static final class Reads implements OperationSink {
        final Map<String, LinkedHashMap<String, Read>> parameters = new LinkedHashMap<>();
        final LinkedHashMap<String, Read> bodies = new LinkedHashMap<>();
        final LinkedHashMap<String, FormRead> forms = new LinkedHashMap<>();
        /** Security requirements, one per scheme with every scope required of it (FastAPI merges them), and the schemes. */
        final Map<String, LinkedHashSet<String>> security = new LinkedHashMap<>();
        final Map<String, Map<String, Object>> schemes = new LinkedHashMap<>();

        record Read(String name, boolean required, Type type, String defaultText, Parameter declared, boolean embedded) {
        }

        record FormRead(String name, boolean required, Type type, boolean file, String defaultText, Parameter declared) {
        }

        Reads() {
            PARAMETER_ORDER.forEach(in -> parameters.put(in, new LinkedHashMap<>()));
        }

        @Override
        public void parameter(String in, String name, boolean required, Type type, String defaultText, Parameter declared) {
            var group = parameters.get(in);
            var existing = group.get(name);
            if (existing == null || required && !existing.required()) {       // the first, unless a later one is required
                group.put(name, new Read(name, required, type, defaultText, declared, false));
            }
        }

        @Override
        public void body(String name, Type type, boolean required, boolean embedded, Parameter declared) {
            bodies.putIfAbsent(name, new Read(name, required, type, null, declared, embedded));
        }

        @Override
        public void formField(String name, Type type, boolean required, boolean file, String defaultText, Parameter declared) {
            forms.putIfAbsent(name, new FormRead(name, required, type, file, defaultText, declared));
        }

        @Override
        public void security(String schemeName, Map<String, Object> definition, List<String> scopes) {
            security.computeIfAbsent(schemeName, name -> new LinkedHashSet<>()).addAll(scopes);
            schemes.putIfAbsent(schemeName, definition);
        }

        boolean any() {
            return !bodies.isEmpty() || !forms.isEmpty() || parameters.values().stream().anyMatch(m -> !m.isEmpty());
        }
    }

    /** Fills one operation; returns whether it may answer FastAPI's 422. */
    private boolean operation(Route route, String path, ObjectNode operation, SchemaGenerator schemas, Set<String> operationIds,
                              Map<String, Map<String, Object>> securitySchemes) {
        var method = route.method();
        var own = method.getAnnotation(Operation.class);
        var owner = method.getDeclaringClass().getAnnotation(Operation.class);
        var tags = route.tags();
        if (!tags.isEmpty()) {
            var array = operation.putArray("tags");
            tags.forEach(array::add);
        }
        operation.put("summary", own != null && !own.summary().isEmpty() ? own.summary() : SchemaGenerator.title(Names.snake(method.getName())));
        if (own != null && !own.description().isEmpty()) {
            operation.put("description", own.description());
        }
        var id = route.operationId();
        var unique = id;
        for (int n = 2; !operationIds.add(unique); n++) {
            unique = id + "_" + n;
        }
        operation.put("operationId", unique);
        if (route.group().deprecated() || own != null && own.deprecated() || owner != null && owner.deprecated()) {
            operation.put("deprecated", true);
        }
        var reads = new Reads();
        route.plan().describe(reads);
        var parameters = new ArrayList<ObjectNode>();
        reads.parameters.forEach((in, group) -> group.values().forEach(p -> parameters.add(parameter(in, p, schemas))));
        if (!parameters.isEmpty()) {
            var array = operation.putArray("parameters");
            parameters.forEach(array::add);
        }
        if (!reads.forms.isEmpty()) {
            operation.set("requestBody", formBody(reads, unique, schemas));
        } else if (!reads.bodies.isEmpty()) {
            operation.set("requestBody", requestBody(reads, unique, schemas));
        }
        var responses = operation.putObject("responses");
        var declared = responds(route);
        var status = String.valueOf(route.status());
        var main = responses.putObject(status);
        var mine = declared.remove(route.status());
        main.put("description", mine != null && !mine.description().isEmpty() ? mine.description() : "Successful Response");
        if (bodyAllowed(route.status()) && mine != null && !mine.mediaType().equals(Response.JSON)) {
            main.putObject("content").set(mine.mediaType(), ResponseKinds.content(mine.mediaType(), mine.type(), schemas));
        } else if (bodyAllowed(route.status())) {
            Type returned = mine != null && mine.type() != void.class ? mine.type() : method.getGenericReturnType();
            main.putObject("content").putObject("application/json").set("schema", responseSchema(returned, schemas));
        }
        declared.forEach((code, r) -> {
            var node = responses.putObject(String.valueOf(code));
            node.put("description", r.description().isEmpty() ? ReasonPhrases.of(code) : r.description());
            if (!r.mediaType().equals(Response.JSON)) {
                node.putObject("content").set(r.mediaType(), ResponseKinds.content(r.mediaType(), r.type(), schemas));
            } else if (r.type() != void.class) {
                node.putObject("content").putObject("application/json").set("schema", schemas.schema(r.type(), Mode.OUTPUT));
            }
        });
        boolean validationError = false;
        if (reads.any() && !responses.has("422")) {
            var error = responses.putObject("422").put("description", "Validation Error");
            error.putObject("content").putObject("application/json").set("schema", schemas.refTo("HTTPValidationError"));
            validationError = true;
        }
        if (!reads.security.isEmpty()) {
            var requirements = operation.putArray("security");
            reads.security.forEach((name, scopes) -> scopes.forEach(requirements.addObject().putArray(name)::add));
            reads.schemes.forEach(securitySchemes::putIfAbsent);
        }
        return validationError;
    }

    /**
     * The route's extra responses: its routers' (outermost first), then its class's {@link Responds}, then its method's, a
     * later one replacing an earlier one status by status, as FastAPI merges {@code responses}.
     */
    private static Map<Integer, RouteGroup.Extra> responds(Route route) {
        var out = new LinkedHashMap<Integer, RouteGroup.Extra>();
        for (var r : route.group().responses()) {
            out.put(r.status(), r);
        }
        for (var r : route.method().getDeclaringClass().getAnnotationsByType(Responds.class)) {
            out.put(r.status(), RouteGroup.Extra.of(r));
        }
        for (var r : route.method().getAnnotationsByType(Responds.class)) {
            out.put(r.status(), RouteGroup.Extra.of(r));
        }
        return out;
    }

    /** FastAPI's rule: no body below 200, nor for 204, 205 and 304. */
    private static boolean bodyAllowed(int status) {
        return status >= 200 && status != 204 && status != 205 && status != 304;
    }

    private ObjectNode responseSchema(Type returned, SchemaGenerator schemas) {
        var raw = TypeShapes.raw(returned);
        if (raw == Response.class) {
            return mapper.createObjectNode();             // its body is whatever it was built with
        }
        if (raw == void.class || raw == Void.class) {
            return mapper.createObjectNode().put("type", "null");        // Coda writes JSON null
        }
        return schemas.schema(returned, Mode.OUTPUT);
    }

    private ObjectNode parameter(String in, Reads.Read p, SchemaGenerator schemas) {
        var node = mapper.createObjectNode();
        node.put("name", p.name());
        node.put("in", in);
        node.put("required", p.required());
        var type = p.type();
        var constraints = validation.parameterConstraints(p.declared());
        var schema = schemas.schema(type, Mode.INPUT, constraints);
        if (TypeShapes.raw(type) != Optional.class && !p.required() && p.defaultText() == null
                && !TypeShapes.isCollection(type) && TypeShapes.isNullable(p.declared())) {
            schema = schemas.nullable(schema);
        }
        if (p.defaultText() != null) {
            schema.set("default", defaultValue(type, p.defaultText()));
        }
        schema.put("title", SchemaGenerator.title(p.name()));
        node.set("schema", schema);
        return node;
    }

    /** A {@code @Default}'s text as the JSON value the binder makes of it (a list default is comma-separated). */
    private JsonNode defaultValue(Type type, String text) {
        var raw = TypeShapes.raw(type);
        var element = raw == Optional.class || TypeShapes.isCollection(type) ? TypeShapes.raw(TypeShapes.argument(type, 0)) : raw;
        if (TypeShapes.isCollection(type)) {
            var array = mapper.createArrayNode();
            for (var part : text.split(",")) {
                array.add(defaultValue(element, part));
            }
            return array;
        }
        var value = Scalars.fromText(text, element, Loc.of("query"), new Errors());
        return value == Errors.FAILED ? mapper.getNodeFactory().textNode(text)
                : value instanceof Enum<?> e ? mapper.getNodeFactory().textNode(e.name()) : mapper.valueToTree(value);
    }

    private ObjectNode requestBody(Reads reads, String operationId, SchemaGenerator schemas) {
        var node = mapper.createObjectNode();
        var bodies = List.copyOf(reads.bodies.values());
        ObjectNode schema;
        boolean required;
        if (bodies.size() == 1 && !bodies.getFirst().embedded()) {
            var body = bodies.getFirst();
            schema = schemas.schema(body.type(), Mode.INPUT, validation.parameterConstraints(body.declared()));
            required = body.required();
        } else {
            // FastAPI's embedded bodies: one object with a field per body, a component named after the operation
            var properties = mapper.createObjectNode();
            var names = new ArrayList<String>();
            for (var body : bodies) {
                var property = schemas.schema(body.type(), Mode.INPUT, validation.parameterConstraints(body.declared()));
                if (!property.has("$ref")) {
                    property.put("title", SchemaGenerator.title(body.name()));
                }
                properties.set(body.name(), property);
                if (body.required()) {
                    names.add(body.name());
                }
            }
            schema = bodyComponent(operationId, properties, names, schemas);
            required = !names.isEmpty();
        }
        if (required) {
            node.put("required", true);
        }
        node.putObject("content").putObject("application/json").set("schema", schema);
        return node;
    }

    /**
     * A form body as FastAPI 0.142 writes it: always the object {@code Body_<operationId>} with a property per field,
     * {@code multipart/form-data} when a file is among them, else {@code application/x-www-form-urlencoded}; a file is a
     * string with {@code contentMediaType: application/octet-stream}.
     */
    private ObjectNode formBody(Reads reads, String operationId, SchemaGenerator schemas) {
        var properties = mapper.createObjectNode();
        var names = new ArrayList<String>();
        boolean files = false;
        for (var field : reads.forms.values()) {
            ObjectNode property;
            if (field.file()) {
                files = true;
                property = fileSchema(field.type());
            } else {
                property = schemas.schema(field.type(), Mode.INPUT, validation.parameterConstraints(field.declared()));
                if (TypeShapes.raw(field.type()) != Optional.class && !field.required() && !TypeShapes.isCollection(field.type())
                        && TypeShapes.isNullable(field.declared())) {
                    property = schemas.nullable(property);          // a @Nullable field, as a parameter's
                }
            }
            if (!property.has("$ref")) {
                property.put("title", SchemaGenerator.title(field.name()));
            }
            if (field.defaultText() != null) {
                property.set("default", defaultValue(field.type(), field.defaultText()));
            }
            properties.set(field.name(), property);
            if (field.required()) {
                names.add(field.name());
            }
        }
        var node = mapper.createObjectNode();
        node.putObject("content").putObject(files ? "multipart/form-data" : "application/x-www-form-urlencoded")
                .set("schema", bodyComponent(operationId, properties, names, schemas));
        if (!names.isEmpty()) {
            node.put("required", true);
        }
        return node;
    }

    /** FastAPI's {@code Body_<operationId>} component (several JSON bodies, or a form): an object with these properties. */
    private ObjectNode bodyComponent(String operationId, ObjectNode properties, List<String> required, SchemaGenerator schemas) {
        var name = "Body_" + operationId;
        var component = mapper.createObjectNode();
        component.set("properties", properties);
        component.put("type", "object");
        if (!required.isEmpty()) {
            var array = component.putArray("required");
            required.forEach(array::add);
        }
        component.put("title", name);
        schemas.component(name, component);
        return schemas.refTo(name);
    }

    /** An uploaded file's schema, of an {@code UploadFile} or {@code byte[]}, a list of them or an optional one. */
    private ObjectNode fileSchema(Type type) {
        var one = mapper.createObjectNode().put("type", "string").put("contentMediaType", "application/octet-stream");
        var raw = dev.coda.internal.binding.TypeShapes.raw(type);
        if (raw == java.util.Optional.class) {
            var node = mapper.createObjectNode();
            var any = node.putArray("anyOf");
            any.add(one);
            any.addObject().put("type", "null");
            return node;
        }
        if (dev.coda.internal.binding.TypeShapes.isCollection(type)) {
            var node = mapper.createObjectNode();
            node.set("items", one);
            node.put("type", "array");
            return node;
        }
        return one;
    }

    /** FastAPI 0.142's {@code HTTPValidationError}. */
    private ObjectNode httpValidationError(SchemaGenerator schemas) {
        var node = mapper.createObjectNode();
        var detail = node.putObject("properties").putObject("detail");
        detail.set("items", schemas.refTo("ValidationError"));
        detail.put("type", "array").put("title", "Detail");
        return node.put("type", "object").put("title", "HTTPValidationError");
    }

    /** FastAPI 0.142's {@code ValidationError}: what Coda's 422 answers hold. */
    private ObjectNode validationError() {
        var node = mapper.createObjectNode();
        var properties = node.putObject("properties");
        var loc = properties.putObject("loc");
        var anyOf = loc.putObject("items").putArray("anyOf");
        anyOf.addObject().put("type", "string");
        anyOf.addObject().put("type", "integer");
        loc.put("type", "array").put("title", "Location");
        properties.putObject("msg").put("type", "string").put("title", "Message");
        properties.putObject("type").put("type", "string").put("title", "Error Type");
        properties.putObject("input").put("title", "Input");
        properties.putObject("ctx").put("type", "object").put("title", "Context");
        node.put("type", "object");
        node.putArray("required").add("loc").add("msg").add("type");
        return node.put("title", "ValidationError");
    }
}
