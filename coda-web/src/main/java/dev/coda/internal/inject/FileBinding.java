package dev.coda.internal.inject;

import dev.coda.UploadFile;
import dev.coda.internal.binding.Errors;
import dev.coda.internal.binding.Loc;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An uploaded file of a form, FastAPI's {@code File()}: an {@link UploadFile}, its bytes, a list or an optional one.
 * FastAPI's rules: the last value of the field, an empty text is missing, a text where an {@code UploadFile} is expected is
 * a {@code value_error}, and bytes also take a text field.
 */
final class FileBinding implements Binding {

    enum Shape {
        SINGLE, OPTIONAL, LIST
    }

    private final String name;
    private final Shape shape;
    private final boolean bytes;
    private final boolean nullable;
    private final Loc loc;
    private final Parameter declared;

    FileBinding(String name, Shape shape, boolean bytes, boolean nullable, Parameter declared) {
        this.name = name;
        this.shape = shape;
        this.bytes = bytes;
        this.nullable = nullable;
        this.loc = Loc.of("body", name);
        this.declared = declared;
    }

    @Override
    public Object resolve(RequestState state) {
        var form = state.form();
        if (shape == Shape.LIST) {
            var values = form.values(name).stream().filter(v -> !"".equals(v)).toList();
            if (values.isEmpty()) {
                return absent(state);
            }
            var out = new ArrayList<>(values.size());
            boolean failed = false;
            for (int i = 0; i < values.size(); i++) {
                var v = convert(values.get(i), loc.with(i), state.errors());
                failed |= v == Errors.FAILED;
                out.add(v);
            }
            return failed ? Errors.FAILED : Collections.unmodifiableList(out);
        }
        var value = form.last(name);
        if (value == null || "".equals(value)) {
            return absent(state);
        }
        var v = convert(value, loc, state.errors());
        return shape == Shape.OPTIONAL && v != Errors.FAILED ? Optional.of(v) : v;
    }

    private Object absent(RequestState state) {
        if (shape == Shape.OPTIONAL) {
            return Optional.empty();
        }
        if (nullable) {
            return null;
        }
        state.errors().add("missing", loc, "Field required", null);
        return Errors.FAILED;
    }

    private Object convert(Object value, Loc at, Errors errors) {
        if (value instanceof UploadFile file) {
            return bytes ? file.bytes() : file;
        }
        if (bytes) {
            return ((String) value).getBytes(StandardCharsets.UTF_8);
        }
        errors.add("value_error", at, "Value error, Expected UploadFile, received: <class 'str'>", value, Map.of("error", Map.of()));
        return Errors.FAILED;
    }

    @Override
    public void describe(OperationSink sink) {
        sink.formField(name, declared.getParameterizedType(), shape != Shape.OPTIONAL && !nullable, true, null, declared);
    }

    @Override
    public String toString() {
        return "file '" + name + "'";
    }
}
