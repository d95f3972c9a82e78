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

    /**
     * Reorders the errors recorded since {@code from} by where they come from (path, query, header, cookie,
     * then body), keeping the order within each source: FastAPI's order, also for constraint violations
     * that are found after every argument of a call was bound.
     */
    public void sortBySourceFrom(int from) {
        if (errors == null || errors.size() - from < 2) {
            return;
        }
        errors.subList(from, errors.size()).sort(java.util.Comparator.comparingInt(e -> sourceRank(e.loc())));
    }

    /** Where an error location comes from, in FastAPI's reporting order: path 1, query 2, header 3, cookie 4, body 5. */
    public static int sourceRank(List<Object> loc) {
        return switch (loc.isEmpty() ? "" : String.valueOf(loc.getFirst())) {
            case "path" -> 1;
            case "query" -> 2;
            case "header" -> 3;
            case "cookie" -> 4;
            case "body" -> 5;
            default -> 0;
        };
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
