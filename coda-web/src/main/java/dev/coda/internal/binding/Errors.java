package dev.coda.internal.binding;

import dev.coda.RequestValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects the binding errors of one request. */
public final class Errors {

    /** The value a binder returns when it recorded an error instead of producing a value. */
    public static final Object FAILED = new Object() {
        @Override
        public String toString() {
            return "<failed>";
        }
    };

    private List<RequestValidationException.Error> errors;

    public void add(String type, Loc loc, String msg, Object input) {
        add(type, loc, msg, input, Map.of());
    }

    public void add(String type, Loc loc, String msg, Object input, Map<String, Object> ctx) {
        if (errors == null) {
            errors = new ArrayList<>(4);
        }
        errors.add(new RequestValidationException.Error(type, loc.toList(), msg, input, ctx));
    }

    public boolean isEmpty() {
        return errors == null;
    }

    public int size() {
        return errors == null ? 0 : errors.size();
    }

    public List<RequestValidationException.Error> list() {
        return errors == null ? List.of() : errors;
    }

    public RequestValidationException toException() {
        return new RequestValidationException(list());
    }
}
