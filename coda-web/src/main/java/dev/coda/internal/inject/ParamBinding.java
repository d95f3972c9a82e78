package dev.coda.internal.inject;

import dev.coda.internal.binding.Errors;
import dev.coda.internal.binding.Loc;
import dev.coda.internal.binding.Scalars;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A path, query, header or cookie parameter, or a form field: text converted to a simple type. */
final class ParamBinding implements Binding {

    enum Source {
        PATH("path"), QUERY("query"), HEADER("header"), COOKIE("cookie"), FORM("body");

        final String loc;

        Source(String loc) {
            this.loc = loc;
        }
    }

    enum Shape {
        SINGLE, OPTIONAL, LIST
    }

    private final Source source;
    private final String name;
    private final Shape shape;
    private final Class<?> type;
    private final String defaultText;
    private final boolean nullable;
    private final Loc loc;
    private final Parameter declared;

    ParamBinding(Source source, String name, Shape shape, Class<?> type, String defaultText, boolean nullable, Parameter declared) {
        this.source = source;
        this.name = name;
        this.shape = shape;
        this.type = type;
        this.defaultText = defaultText;
        this.nullable = nullable;
        this.loc = Loc.of(source.loc, name);
        this.declared = declared;
    }

    /** Required as the binder requires it: a single value, no default, not nullable (an empty list is a list). */
    @Override
    public void describe(OperationSink sink) {
        boolean required = shape == Shape.SINGLE && defaultText == null && !nullable;
        if (source == Source.FORM) {
            sink.formField(name, declared.getParameterizedType(), required || shape == Shape.LIST && defaultText == null, false,
                    defaultText, declared);
            return;
        }
        sink.parameter(source.loc, name, required, declared.getParameterizedType(), defaultText, declared);
    }

    @Override
    public Object resolve(RequestState state) {
        var errors = state.errors();
        if (shape == Shape.LIST) {
            var texts = all(state);
            if (texts.isEmpty() && defaultText != null) {
                texts = List.of(defaultText.split(","));
            }
            if (texts.isEmpty() && source == Source.FORM && !nullable) {
                errors.add("missing", loc, "Field required", null);         // FastAPI: an absent form list is missing
                return Errors.FAILED;
            }
            var out = new ArrayList<>(texts.size());
            boolean failed = false;
            for (int i = 0; i < texts.size(); i++) {
                var v = Scalars.fromText(texts.get(i), type, loc.with(i), errors);
                failed |= v == Errors.FAILED;
                out.add(v);
            }
            return failed ? Errors.FAILED : Collections.unmodifiableList(out);
        }
        var text = one(state);
        if (text == null) {
            text = defaultText;
        }
        if (text == null) {
            if (shape == Shape.OPTIONAL) {
                return Optional.empty();
            }
            if (nullable) {
                return null;
            }
            errors.add("missing", loc, "Field required", null);
            return Errors.FAILED;
        }
        var v = Scalars.fromText(text, type, loc, errors);
        return shape == Shape.OPTIONAL && v != Errors.FAILED ? Optional.of(v) : v;
    }

    private String one(RequestState state) {
        return switch (source) {
            case PATH -> state.pathParams().get(name);
            case QUERY -> state.lastQueryValue(name).orElse(null);
            case HEADER -> state.header(name).orElse(null);
            case COOKIE -> state.cookie(name).orElse(null);
            case FORM -> state.form().last(name) instanceof String text && !text.isEmpty() ? text : null;   // FastAPI: "" is missing
        };
    }

    private List<String> all(RequestState state) {
        return switch (source) {
            case QUERY -> state.queryParams().getOrDefault(name, List.of());
            case HEADER -> state.headers(name);
            case FORM -> state.form().values(name).stream().filter(v -> v instanceof String).map(String.class::cast).toList();
            case PATH, COOKIE -> Optional.ofNullable(one(state)).map(List::of).orElse(List.of());
        };
    }

    @Override
    public String toString() {
        return source.loc + " '" + name + "'";
    }
}
