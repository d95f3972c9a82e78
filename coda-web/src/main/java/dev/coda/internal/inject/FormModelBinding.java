package dev.coda.internal.inject;

import dev.coda.internal.binding.Errors;
import dev.coda.internal.binding.Loc;
import dev.coda.internal.binding.Scalars;
import dev.coda.internal.binding.TypeShapes;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Optional;

/**
 * A record bound from form fields, FastAPI's form models ({@code Annotated[Model, Form()]}): each component is a form
 * field with the query parameters' conversion rules, errors at {@code ["body", "<component>"]}, then the record's
 * constraints are checked.
 */
final class FormModelBinding implements Binding {

    private final Constructor<?> constructor;
    private final ParamBinding[] fields;
    private final Validation validation;

    private FormModelBinding(Constructor<?> constructor, ParamBinding[] fields, Validation validation) {
        this.constructor = constructor;
        this.fields = fields;
        this.validation = validation;
    }

    /** The binding of a record's components, or {@code null} after adding to {@code problems}. */
    static FormModelBinding of(Class<?> record, Validation validation, List<String> problems, String where) {
        var components = record.getRecordComponents();
        Constructor<?> constructor;
        try {
            constructor = record.getDeclaredConstructor(java.util.Arrays.stream(components)
                    .map(java.lang.reflect.RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            problems.add(where + ": Coda cannot construct " + record.getSimpleName() + ": " + e.getMessage());
            return null;
        }
        var parameters = constructor.getParameters();
        var fields = new ParamBinding[components.length];
        for (int i = 0; i < components.length; i++) {
            var type = components[i].getGenericType();
            var raw = components[i].getType();
            var shape = raw == Optional.class ? ParamBinding.Shape.OPTIONAL
                    : TypeShapes.isCollection(type) ? ParamBinding.Shape.LIST : ParamBinding.Shape.SINGLE;
            var element = shape == ParamBinding.Shape.SINGLE ? raw : TypeShapes.raw(TypeShapes.argument(type, 0));
            if (!Scalars.isSimple(element)) {
                problems.add(where + ": form field " + components[i].getName() + " of " + record.getSimpleName()
                        + " must be a string, number, boolean, UUID, enum or date, or an Optional or List of one");
                return null;
            }
            boolean nullable = TypeShapes.isNullable(components[i]) && !raw.isPrimitive();
            fields[i] = new ParamBinding(ParamBinding.Source.FORM, components[i].getName(), shape, element, null, nullable, parameters[i]);
        }
        validation.prepare(record);
        return new FormModelBinding(constructor, fields, validation);
    }

    @Override
    public Object resolve(RequestState state) throws Throwable {
        var args = new Object[fields.length];
        boolean failed = false;
        for (int i = 0; i < fields.length; i++) {
            args[i] = fields[i].resolve(state);
            failed |= args[i] == Errors.FAILED;
        }
        if (failed) {
            return Errors.FAILED;
        }
        var value = constructor.newInstance(args);
        return validation.validateBean(value, Loc.of("body"), state.errors()) ? value : Errors.FAILED;
    }

    /** Each component is one field of the form. */
    @Override
    public void describe(OperationSink sink) {
        for (var field : fields) {
            field.describe(sink);
        }
    }
}
