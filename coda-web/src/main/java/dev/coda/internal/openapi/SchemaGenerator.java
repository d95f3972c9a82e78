package dev.coda.internal.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.coda.Default;
import dev.coda.internal.binding.JsonReaders;
import dev.coda.internal.binding.TypeShapes;
import dev.coda.internal.inject.Validation;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns Java types into JSON Schema 2020-12 as pydantic v2 writes it for FastAPI: one component per record, class and
 * enum, referred to by {@code $ref}. A request body is described as the binder reads it (record components by their
 * {@code @JsonProperty}, other classes as Jackson deserializes them), a response as Jackson writes it; a type whose two
 * schemas differ gets two components, {@code Name-Input} and {@code Name-Output}, as FastAPI names them. Component names
 * are chosen once every type is known ({@link #finish}), so that two classes with one simple name get distinct,
 * stable names whatever the order they were met in.
 *
 * <p>Past 400 lines because the type mapping, the bean properties and the naming share one registry of named types
 * (a recursive type ends by finding itself there, naming compares its entries); apart, they would pass it around whole.
 */
final class SchemaGenerator {

    /** Whether a schema describes what the app reads or what it writes. */
    enum Mode { INPUT, OUTPUT }

    static final String REF = "#/components/schemas/";
    private static final char MARK = '\u0000';

    private final ObjectMapper mapper;
    private final Validation validation;
    private final Map<String, Named> named = new LinkedHashMap<>();
    private final Map<String, ObjectNode> fixed = new HashMap<>();

    /** A named type's schema in one mode; its key stands in {@code $ref}s until {@link #finish} names it. */
    private record Named(Class<?> type, Mode mode, ObjectNode schema) {
    }

    SchemaGenerator(ObjectMapper mapper, Validation validation) {
        this.mapper = mapper;
        this.validation = validation;
    }

    /** Adds a component under a name of its own ({@code HTTPValidationError}, {@code Body_...}). */
    void component(String name, ObjectNode schema) {
        fixed.put(name, schema);
    }

    /** A reference to a component added with {@link #component}. */
    ObjectNode refTo(String name) {
        return mapper.createObjectNode().put("$ref", REF + name);
    }

    ObjectNode schema(Type type, Mode mode) {
        return schema(type, mode, List.of());
    }

    /** The schema of a value of {@code type}, with the keywords of its Jakarta constraints. */
    ObjectNode schema(Type type, Mode mode, List<Annotation> constraints) {
        var raw = TypeShapes.raw(type);
        if (raw == Optional.class) {
            return nullable(schema(TypeShapes.argument(type, 0), mode, constraints));
        }
        var scalar = scalar(raw);
        if (scalar != null) {
            return constrain(scalar, constraints);
        }
        if (raw.isEnum()) {
            return ref(raw, Mode.INPUT);
        }
        if (TypeShapes.isCollection(type) || raw.isArray() && raw != byte[].class || type instanceof GenericArrayType) {
            var node = mapper.createObjectNode();
            Type element = type instanceof GenericArrayType g ? g.getGenericComponentType()
                    : raw.isArray() ? raw.getComponentType() : TypeShapes.argument(type, 0);
            node.set("items", schema(element, mode));
            node.put("type", "array");
            if (Set.class.isAssignableFrom(raw)) {
                node.put("uniqueItems", true);
            }
            return constrain(node, constraints);
        }
        if (Map.class.isAssignableFrom(raw)) {
            var node = mapper.createObjectNode();
            var value = TypeShapes.argument(type, 1);
            if (value == Object.class) {
                node.put("additionalProperties", true);
            } else {
                node.set("additionalProperties", schema(value, mode));
            }
            node.put("type", "object");
            return constrain(node, constraints);
        }
        if (raw == byte[].class) {
            // Jackson writes bytes as base64 text
            return mapper.createObjectNode().put("type", "string").put("contentEncoding", "base64");
        }
        if (raw == ObjectNode.class) {
            return mapper.createObjectNode().put("type", "object");
        }
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw.isInterface() || raw.isPrimitive()
                || raw.getName().startsWith("java.")) {
            return mapper.createObjectNode();
        }
        return ref(raw, mode);
    }

    /** {@code anyOf: [schema, {type: null}]}, as pydantic writes an optional value. */
    ObjectNode nullable(ObjectNode schema) {
        var node = mapper.createObjectNode();
        var anyOf = node.putArray("anyOf");
        anyOf.add(schema);
        anyOf.addObject().put("type", "null");
        return node;
    }

    private ObjectNode scalar(Class<?> raw) {
        var node = mapper.createObjectNode();
        if (raw == String.class || raw == CharSequence.class) {
            return node.put("type", "string");
        }
        if (raw == char.class || raw == Character.class) {
            return node.put("type", "string").put("maxLength", 1).put("minLength", 1);
        }
        if (raw == int.class || raw == Integer.class || raw == short.class || raw == Short.class || raw == byte.class
                || raw == Byte.class) {
            return node.put("type", "integer").put("format", "int32");
        }
        if (raw == long.class || raw == Long.class) {
            return node.put("type", "integer").put("format", "int64");
        }
        if (raw == BigInteger.class) {
            return node.put("type", "integer");
        }
        if (raw == double.class || raw == Double.class) {
            return node.put("type", "number").put("format", "double");
        }
        if (raw == float.class || raw == Float.class) {
            return node.put("type", "number").put("format", "float");
        }
        if (raw == BigDecimal.class) {
            return node.put("type", "number");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return node.put("type", "boolean");
        }
        String format = raw == UUID.class ? "uuid" : raw == LocalDate.class ? "date" : raw == LocalTime.class ? "time"
                : raw == Duration.class ? "duration"
                : raw == LocalDateTime.class || raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class
                ? "date-time" : null;
        return format == null ? null : node.put("type", "string").put("format", format);
    }

    /** Adds the keywords of the constraints that apply to the schema's type; the others (and {@code @NotNull}) add none. */
    private ObjectNode constrain(ObjectNode node, List<Annotation> constraints) {
        var type = node.path("type").asText("");
        for (var a : constraints) {
            switch (a) {
                case jakarta.validation.constraints.Size s -> {
                    var words = type.equals("string") ? new String[]{"minLength", "maxLength"}
                            : type.equals("object") ? new String[]{"minProperties", "maxProperties"} : new String[]{"minItems", "maxItems"};
                    if (s.max() != Integer.MAX_VALUE) {
                        node.put(words[1], s.max());
                    }
                    if (s.min() > 0) {
                        node.put(words[0], s.min());
                    }
                }
                case jakarta.validation.constraints.NotBlank n -> node.put("minLength", 1);
                case jakarta.validation.constraints.NotEmpty n -> node.put(type.equals("string") ? "minLength"
                        : type.equals("object") ? "minProperties" : "minItems", 1);
                case jakarta.validation.constraints.Min m -> node.put("minimum", m.value());
                case jakarta.validation.constraints.Max m -> node.put("maximum", m.value());
                case jakarta.validation.constraints.DecimalMin m ->
                        node.put(m.inclusive() ? "minimum" : "exclusiveMinimum", new BigDecimal(m.value()));
                case jakarta.validation.constraints.DecimalMax m ->
                        node.put(m.inclusive() ? "maximum" : "exclusiveMaximum", new BigDecimal(m.value()));
                case jakarta.validation.constraints.Positive p -> node.put("exclusiveMinimum", 0);
                case jakarta.validation.constraints.PositiveOrZero p -> node.put("minimum", 0);
                case jakarta.validation.constraints.Negative n -> node.put("exclusiveMaximum", 0);
                case jakarta.validation.constraints.NegativeOrZero n -> node.put("maximum", 0);
                // Bean Validation matches the whole text; a JSON Schema pattern matches anywhere in it
                case jakarta.validation.constraints.Pattern p -> node.put("pattern", "^(?:" + p.regexp() + ")$");
                case jakarta.validation.constraints.Email e -> node.put("format", "email");
                default -> {
                }
            }
        }
        return node;
    }

    private ObjectNode ref(Class<?> type, Mode mode) {
        var key = key(type, mode);
        if (!named.containsKey(key)) {
            var schema = mapper.createObjectNode();
            named.put(key, new Named(type, mode, schema));      // before its properties: a recursive type ends here
            if (type.isEnum()) {
                schema.put("type", "string");
                var values = schema.putArray("enum");
                for (var constant : type.getEnumConstants()) {
                    values.add(((Enum<?>) constant).name());
                }
            } else {
                bean(type, mode, schema);
            }
            schema.put("title", type.getSimpleName());
        }
        return mapper.createObjectNode().put("$ref", REF + key);
    }

    private static String key(Class<?> type, Mode mode) {
        return MARK + type.getName() + MARK + mode;
    }

    /** A property of a bean: its JSON name, declared type, Java name (for its constraints) and whether it must be there. */
    private record Property(String name, Type type, String javaName, boolean required, boolean nullable, JsonNode defaultValue) {
    }

    private void bean(Class<?> type, Mode mode, ObjectNode schema) {
        var constraints = validation.propertyConstraints(type);
        var properties = schema.putObject("properties");
        var required = new ArrayList<String>();
        for (var p : properties(type, mode, constraints)) {
            var own = constraints.getOrDefault(p.javaName(), List.of());
            var property = schema(p.type(), mode, own);
            if (p.nullable() && TypeShapes.raw(p.type()) != Optional.class) {
                property = nullable(property);
            }
            if (p.defaultValue() != null) {
                property.set("default", p.defaultValue());
            }
            if (!isReference(property)) {
                property.put("title", title(p.name()));
            }
            properties.set(p.name(), property);
            if (p.required()) {
                required.add(p.name());
            }
        }
        schema.put("type", "object");
        if (!required.isEmpty()) {
            var array = schema.putArray("required");
            required.forEach(array::add);
        }
    }

    /** Pydantic leaves the title out of a property that is a reference, or a reference or null. */
    private static boolean isReference(ObjectNode property) {
        if (property.has("$ref")) {
            return true;
        }
        var anyOf = property.path("anyOf");
        return anyOf.size() == 2 && anyOf.get(0).has("$ref") && anyOf.get(0).size() == 1;
    }

    private List<Property> properties(Class<?> type, Mode mode, Map<String, List<Annotation>> constraints) {
        var out = new ArrayList<Property>();
        if (type.isRecord() && mode == Mode.INPUT) {
            // what JsonReaders reads: every component, by its @JsonProperty
            for (var c : type.getRecordComponents()) {
                out.add(recordProperty(type, c, JsonReaders.jsonName(c)));
            }
            return out;
        }
        var description = mode == Mode.INPUT ? mapper.getDeserializationConfig().introspect(mapper.constructType(type))
                : mapper.getSerializationConfig().introspect(mapper.constructType(type));
        for (var property : description.findProperties()) {
            if (mode == Mode.INPUT ? !property.couldDeserialize() : !property.couldSerialize()) {
                continue;
            }
            if (type.isRecord()) {
                var component = component(type, property.getInternalName());
                if (component != null) {
                    out.add(recordProperty(type, component, property.getName()));
                    continue;
                }
            }
            var member = mode == Mode.INPUT ? property.getMutator() : property.getAccessor();
            if (member == null) {
                continue;
            }
            var element = member.getAnnotated();
            boolean nullable = element != null && TypeShapes.isNullable(element);
            var own = constraints.getOrDefault(property.getInternalName(), List.of());
            boolean notNull = own.stream().anyMatch(a -> a instanceof jakarta.validation.constraints.NotNull);
            out.add(new Property(property.getName(), genericType(member), property.getInternalName(),
                    property.isRequired() || notNull, nullable, null));
        }
        return out;
    }

    private Property recordProperty(Class<?> type, java.lang.reflect.RecordComponent c, String name) {
        var genericType = c.getGenericType();
        boolean nullable = TypeShapes.isNullable(c);
        var declaredDefault = c.getAnnotation(Default.class);
        JsonNode defaultValue = null;
        if (declaredDefault != null) {
            try {
                defaultValue = mapper.readTree(declaredDefault.value());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("@Default on " + type.getSimpleName() + "." + c.getName() + " is not JSON", e);
            }
        }
        boolean required = TypeShapes.raw(genericType) != Optional.class && !nullable && declaredDefault == null;
        return new Property(name, genericType, c.getName(), required, nullable, defaultValue);
    }

    private static java.lang.reflect.RecordComponent component(Class<?> record, String name) {
        for (var c : record.getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static Type genericType(AnnotatedMember member) {
        return switch (member) {
            case AnnotatedField f -> ((Field) f.getAnnotated()).getGenericType();
            case AnnotatedMethod m -> m.getParameterCount() == 1 ? m.getAnnotated().getGenericParameterTypes()[0]
                    : m.getAnnotated().getGenericReturnType();
            case AnnotatedParameter p -> p.getOwner().getAnnotated() instanceof Constructor<?> c
                    ? c.getGenericParameterTypes()[p.getIndex()]
                    : ((Method) p.getOwner().getAnnotated()).getGenericParameterTypes()[p.getIndex()];
            default -> member.getRawType();
        };
    }

    /**
     * Names the components and writes the names into every {@code $ref} of {@code document} and of the components;
     * returns the components sorted by name, as FastAPI sorts them.
     */
    Map<String, ObjectNode> finish(JsonNode document) {
        var split = splitTypes();
        var bySimpleName = new HashMap<String, Set<Class<?>>>();
        for (var n : named.values()) {
            bySimpleName.computeIfAbsent(n.type().getSimpleName(), k -> new HashSet<>()).add(n.type());
        }
        var names = new HashMap<String, String>();
        var components = new TreeMap<String, ObjectNode>(fixed);
        for (var entry : named.entrySet()) {
            var n = entry.getValue();
            var type = n.type();
            var base = bySimpleName.get(type.getSimpleName()).size() == 1 ? type.getSimpleName()
                    : type.getName().replace(".", "__").replace("$", "__");
            boolean twoSchemas = split.contains(type);
            var name = twoSchemas ? base + (n.mode() == Mode.INPUT ? "-Input" : "-Output") : base;
            names.put(entry.getKey(), name);
            if (twoSchemas || !components.containsKey(name) || n.mode() == Mode.INPUT) {
                components.put(name, n.schema());          // one schema for both modes: the input's
            }
        }
        rewrite(document, names);
        components.values().forEach(c -> rewrite(c, names));
        return components;
    }

    /**
     * The types whose input and output schemas differ, compared with their references named by type (and mode, for
     * a type already split); repeated until nothing changes, since a type that refers to a split type differs too.
     */
    private Set<Class<?>> splitTypes() {
        var split = new HashSet<Class<?>>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var n : named.values()) {
                if (n.mode() != Mode.INPUT || split.contains(n.type())) {
                    continue;
                }
                var output = named.get(key(n.type(), Mode.OUTPUT));
                if (output != null && !normalized(n.schema(), split).equals(normalized(output.schema(), split))) {
                    split.add(n.type());
                    changed = true;
                }
            }
        }
        return split;
    }

    private JsonNode normalized(ObjectNode schema, Set<Class<?>> split) {
        var copy = schema.deepCopy();
        var names = new HashMap<String, String>();
        for (var entry : named.entrySet()) {
            var n = entry.getValue();
            names.put(entry.getKey(), n.type().getName() + (split.contains(n.type()) ? n.mode() : ""));
        }
        rewrite(copy, names);
        return copy;
    }

    private static void rewrite(JsonNode node, Map<String, String> names) {
        if (node instanceof ObjectNode object) {
            var ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(REF + MARK)) {
                var name = names.get(ref.asText().substring(REF.length()));
                if (name != null) {
                    object.set("$ref", TextNode.valueOf(REF + name));
                }
            }
        }
        for (var child : node) {
            rewrite(child, names);
        }
    }

    /**
     * A title as pydantic makes one from a name: words split at underscores and camelCase humps, each capitalized as
     * Python's {@code str.title()} does ({@code item_id} and {@code itemId}: "Item Id"; {@code x-token}: "X-Token").
     */
    static String title(String name) {
        var out = new StringBuilder(name.length() + 4);
        boolean previousCased = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(name.charAt(i - 1))) {
                out.append(' ');
                previousCased = false;
            }
            if (c == '_') {
                out.append(' ');
                previousCased = false;
            } else if (Character.isLetter(c)) {
                out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
                previousCased = true;
            } else {
                out.append(c);
                previousCased = false;
            }
        }
        return out.toString().strip();
    }
}
