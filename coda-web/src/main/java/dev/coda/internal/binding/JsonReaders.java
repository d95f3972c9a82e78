package dev.coda.internal.binding;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coda.Default;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds, once per type, readers that turn a JSON tree into Java values while collecting every error
 * with its location, as pydantic does. Records (nested to any depth), collections, maps, optionals and
 * simple values are read field by field; other classes are handed to Jackson.
 */
public final class JsonReaders {

    /** Reads one JSON value; returns {@link Errors#FAILED} after recording errors. */
    public interface Reader {
        Object read(JsonNode node, Loc loc, Errors errors);

        /** The value of an absent field or {@code null}, when one is allowed; otherwise {@link Errors#FAILED}. */
        default Object absent() {
            return Errors.FAILED;
        }
    }

    private final ObjectMapper mapper;
    private final Map<Type, Reader> readers = new ConcurrentHashMap<>();

    public JsonReaders(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The reader for a type; problems with the type itself are reported as {@link IllegalArgumentException}. */
    public Reader forType(Type type) {
        var existing = readers.get(type);
        if (existing != null) {
            return existing;
        }
        var forward = new Forward();
        readers.put(type, forward);
        try {
            var reader = build(type);
            forward.target = reader;
            readers.put(type, reader);
            return reader;
        } catch (RuntimeException e) {
            readers.remove(type);
            throw e;
        }
    }

    /** Stands for a reader still being built (a recursive type); behaves exactly as the reader it forwards to. */
    private static final class Forward implements Reader {
        Reader target;

        @Override
        public Object read(JsonNode node, Loc loc, Errors errors) {
            return target.read(node, loc, errors);
        }

        @Override
        public Object absent() {
            return target.absent();
        }
    }

    private Reader build(Type type) {
        var raw = TypeShapes.raw(type);
        if (raw == Optional.class) {
            var inner = forType(TypeShapes.argument(type, 0));
            return new Reader() {
                @Override
                public Object read(JsonNode node, Loc loc, Errors errors) {
                    if (node == null || node.isNull()) {
                        return Optional.empty();
                    }
                    var value = inner.read(node, loc, errors);
                    return value == Errors.FAILED ? value : Optional.ofNullable(value);
                }

                @Override
                public Object absent() {
                    return Optional.empty();
                }
            };
        }
        if (Scalars.isSimple(raw)) {
            return (node, loc, errors) -> Scalars.fromJson(node, raw, loc, errors);
        }
        if (TypeShapes.isCollection(type)) {
            var element = forType(TypeShapes.argument(type, 0));
            boolean set = raw == java.util.Set.class;
            return (node, loc, errors) -> {
                if (!node.isArray()) {
                    errors.add(set ? "set_type" : "list_type", loc, set ? "Input should be a valid set" : "Input should be a valid list", node);
                    return Errors.FAILED;
                }
                var out = new ArrayList<>(node.size());
                boolean failed = false;
                for (int i = 0; i < node.size(); i++) {
                    var v = element.read(node.get(i), loc.with(i), errors);
                    failed |= v == Errors.FAILED;
                    out.add(v);
                }
                if (failed) {
                    return Errors.FAILED;
                }
                return set ? Collections.unmodifiableSet(new LinkedHashSet<>(out)) : Collections.unmodifiableList(out);
            };
        }
        if (raw == Map.class) {
            var keyType = TypeShapes.raw(TypeShapes.argument(type, 0));
            if (keyType != String.class && keyType != Object.class) {
                throw new IllegalArgumentException("JSON object keys are strings; use Map<String, ...> instead of " + TypeShapes.name(type));
            }
            var value = forType(TypeShapes.argument(type, 1));
            return (node, loc, errors) -> {
                if (!node.isObject()) {
                    errors.add("dict_type", loc, "Input should be a valid dictionary", node);
                    return Errors.FAILED;
                }
                var out = new LinkedHashMap<String, Object>();
                boolean failed = false;
                for (var it = node.fields(); it.hasNext(); ) {
                    var field = it.next();
                    var v = value.read(field.getValue(), loc.with(field.getKey()), errors);
                    failed |= v == Errors.FAILED;
                    out.put(field.getKey(), v);
                }
                return failed ? Errors.FAILED : Collections.unmodifiableMap(out);
            };
        }
        if (raw == Object.class || raw == JsonNode.class || raw == ObjectNode.class) {
            return (node, loc, errors) -> {
                if (raw == ObjectNode.class && !node.isObject()) {
                    errors.add("dict_type", loc, "Input should be a valid dictionary", node);
                    return Errors.FAILED;
                }
                return raw == Object.class ? mapper.convertValue(node, Object.class) : node;
            };
        }
        if (raw.isRecord()) {
            return recordReader(raw);
        }
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers()) || raw.isArray()) {
            throw new IllegalArgumentException("cannot read " + TypeShapes.name(type)
                    + " from JSON: use a record, a class, List, Map or a simple type");
        }
        // Like pydantic, ignore fields the class does not have (Jackson fails on them by default).
        var reader = mapper.readerFor(mapper.constructType(type)).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return (node, loc, errors) -> {
            if (!node.isObject()) {
                errors.add("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", node);
                return Errors.FAILED;
            }
            try {
                return reader.readValue(node);
            } catch (JsonMappingException e) {
                // Report at the field Jackson stopped at, with that field's input, as pydantic would.
                var at = loc;
                JsonNode input = node;
                for (var ref : e.getPath()) {
                    var field = ref.getFieldName();
                    at = field != null ? at.with(field) : at.with(ref.getIndex());
                    input = input == null ? null : field != null ? input.get(field) : input.get(ref.getIndex());
                }
                var message = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
                errors.add("value_error", at, "Value error, " + message, input, Map.of("error", message));
                return Errors.FAILED;
            } catch (java.io.IOException | IllegalArgumentException e) {
                errors.add("value_error", loc, "Value error, " + e.getMessage().lines().findFirst().orElse(""), node);
                return Errors.FAILED;
            }
        };
    }

    private record Field(String name, Reader reader, boolean nullable, JsonNode defaultValue) {
    }

    private Reader recordReader(Class<?> type) {
        var components = type.getRecordComponents();
        var fields = new Field[components.length];
        var types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            var c = components[i];
            types[i] = c.getType();
            fields[i] = new Field(jsonName(c), forType(c.getGenericType()), TypeShapes.isNullable(c), defaultOf(type, c));
        }
        MethodHandle constructor;
        try {
            var ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            constructor = MethodHandles.lookup().unreflectConstructor(ctor).asSpreader(Object[].class, types.length);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot construct record " + type.getName() + ": " + e.getMessage(), e);
        }
        return (node, loc, errors) -> {
            if (!node.isObject()) {
                errors.add("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", node);
                return Errors.FAILED;
            }
            var args = new Object[fields.length];
            boolean failed = false;
            for (int i = 0; i < fields.length; i++) {
                var f = fields[i];
                var value = node.get(f.name());
                Object v;
                if (value == null && f.defaultValue() != null) {
                    v = f.reader().read(f.defaultValue(), loc.with(f.name()), errors);
                } else if (value == null || value.isNull()) {
                    v = f.reader().absent();
                    if (v == Errors.FAILED && f.nullable()) {
                        v = Scalars.zero(types[i]);
                    }
                    if (v == Errors.FAILED) {
                        if (value == null) {
                            errors.add("missing", loc.with(f.name()), "Field required", node);
                        } else {
                            v = f.reader().read(value, loc.with(f.name()), errors);
                        }
                    }
                } else {
                    v = f.reader().read(value, loc.with(f.name()), errors);
                }
                failed |= v == Errors.FAILED;
                args[i] = v;
            }
            if (failed) {
                return Errors.FAILED;
            }
            try {
                return constructor.invoke(args);
            } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
                errors.add("value_error", loc, "Value error, " + e.getMessage(), node, Map.of("error", String.valueOf(e.getMessage())));
                return Errors.FAILED;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        };
    }

    private JsonNode defaultOf(Class<?> owner, RecordComponent component) {
        var d = component.getAnnotation(Default.class);
        if (d == null) {
            return null;
        }
        try {
            return mapper.readTree(d.value());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("@Default(\"" + d.value() + "\") on " + owner.getSimpleName() + "."
                    + component.getName() + " is not JSON (write strings with quotes: @Default(\"\\\"text\\\"\"))");
        }
    }

    /** The JSON name of a record component: its {@code @JsonProperty} or its own name. */
    public static String jsonName(RecordComponent c) {
        var p = c.getAnnotation(JsonProperty.class);
        if (p == null && c.getAccessor() != null) {
            p = c.getAccessor().getAnnotation(JsonProperty.class);
        }
        if (p == null) {
            try {
                var field = c.getDeclaringRecord().getDeclaredField(c.getName());
                p = field.getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException ignored) {
                // records always have the field
            }
        }
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    /** Every field's JSON name mapped from its Java name, for translating validation paths. */
    public static List<String> names(Class<?> record) {
        var out = new ArrayList<String>();
        for (var c : record.getRecordComponents()) {
            out.add(jsonName(c));
        }
        return out;
    }
}
