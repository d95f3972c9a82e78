package dev.coda.internal.inject;

import dev.coda.internal.binding.Errors;
import dev.coda.internal.binding.JsonReaders;
import dev.coda.internal.binding.Loc;
import java.lang.reflect.Parameter;

/**
 * The JSON body, or one field of it when a path operation takes several body parameters (each is then
 * embedded under its name, as in FastAPI).
 */
final class BodyBinding implements Binding {

    private final String name;
    private final JsonReaders.Reader reader;
    private final boolean required;
    private final Validation validation;
    private final Parameter declared;
    private boolean embedded;

    BodyBinding(String name, JsonReaders.Reader reader, boolean required, Validation validation, Parameter declared) {
        this.name = name;
        this.declared = declared;
        this.reader = reader;
        this.required = required;
        this.validation = validation;
    }

    void embed() {
        embedded = true;
    }

    @Override
    public Object resolve(RequestState state) {
        var root = state.jsonBody();
        var node = root;
        var loc = Loc.of("body");
        if (embedded) {
            node = root == null || !root.isObject() ? null : root.get(name);
            loc = loc.with(name);
        }
        if (node == null || node.isNull()) {
            if (!required) {
                var absent = reader.absent();
                return absent == Errors.FAILED ? null : absent;
            }
            state.errors().add("missing", loc, "Field required", null);
            return Errors.FAILED;
        }
        var value = reader.read(node, loc, state.errors());
        if (value != Errors.FAILED && !validation.validateBean(value, loc, state.errors())) {
            return Errors.FAILED;
        }
        return value;
    }

    @Override
    public void describe(OperationSink sink) {
        sink.body(name, declared.getParameterizedType(), required, embedded, declared);
    }

    @Override
    public String toString() {
        return "body" + (embedded ? " '" + name + "'" : "");
    }
}
