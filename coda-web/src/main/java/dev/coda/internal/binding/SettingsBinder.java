package dev.coda.internal.binding;

import dev.coda.Default;
import dev.coda.internal.Names;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Binds a settings record from text sources, in precedence order: environment variables, system properties, a
 * properties file, the component's {@link Default}. Values convert as query parameters do ({@link Scalars}); a list is
 * comma-separated. Every problem is collected, so that a misconfigured app lists them all at once.
 */
public final class SettingsBinder {

    private SettingsBinder() {
    }

    /** Where one component's text is looked up. */
    public record Keys(String environment, String property) {
    }

    /** The environment variable and property names of a component: {@code databaseUrl} is {@code DATABASE_URL}, {@code database.url}. */
    public static Keys namesOf(String component, String prefix) {
        var snake = Names.snake(component);
        var env = snake.toUpperCase(Locale.ROOT);
        var property = snake.replace('_', '.');
        if (prefix.isEmpty()) {
            return new Keys(env, property);
        }
        var p = Names.snake(prefix).replace('.', '_');
        return new Keys(p.toUpperCase(Locale.ROOT) + "_" + env, p.replace('_', '.') + "." + property);
    }

    /**
     * The record bound from the sources.
     *
     * @throws IllegalStateException listing every missing or invalid value, and every component of a type settings cannot hold
     */
    public static <T extends Record> T bind(Class<T> type, String prefix, Map<String, String> environment, Properties systemProperties,
                                            Properties file, String fileName) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record: settings are a record");
        }
        var components = type.getRecordComponents();
        var values = new Object[components.length];
        var problems = new ArrayList<String>();
        for (int i = 0; i < components.length; i++) {
            values[i] = component(components[i], namesOf(components[i].getName(), prefix), environment, systemProperties, file, fileName,
                    problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Coda cannot start; " + problems.size() + " problem(s) in the settings " + type.getSimpleName()
                    + ":\n  - " + String.join("\n  - ", problems));
        }
        try {
            var constructor = type.getDeclaredConstructor(java.util.Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Coda cannot start; the settings " + type.getSimpleName() + " refused their values: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the settings " + type.getSimpleName() + " cannot be constructed: " + e.getMessage(), e);
        }
    }

    private static Object component(RecordComponent component, Keys names, Map<String, String> environment, Properties systemProperties,
                                    Properties file, String fileName, List<String> problems) {
        Type generic = component.getGenericType();
        var raw = component.getType();
        boolean optional = raw == Optional.class;
        boolean list = List.class == raw;
        var element = optional || list ? TypeShapes.raw(TypeShapes.argument(generic, 0)) : raw;
        if (!Scalars.isSimple(element)) {
            problems.add(names.environment() + ": a setting is a string, number, boolean, UUID, enum or date, or an Optional or List of one;"
                    + " " + component.getName() + " is " + TypeShapes.name(generic));
            return null;
        }
        String text;
        String source;
        if (environment.get(names.environment()) != null) {
            text = environment.get(names.environment());
            source = "environment variable " + names.environment();
        } else if (systemProperties.getProperty(names.property()) != null) {
            text = systemProperties.getProperty(names.property());
            source = "system property " + names.property();
        } else if (file != null && file.getProperty(names.property()) != null) {
            text = file.getProperty(names.property());
            source = names.property() + " in " + fileName;
        } else if (component.isAnnotationPresent(Default.class)) {
            text = component.getAnnotation(Default.class).value();
            source = "@Default of " + component.getName();
        } else if (optional) {
            return Optional.empty();
        } else if (list) {
            return List.of();
        } else {
            problems.add(names.environment() + ": missing (environment variable " + names.environment() + ", system property "
                    + names.property() + (fileName == null ? "" : ", or " + names.property() + " in " + fileName) + ")");
            return null;
        }
        if (list) {
            var out = new ArrayList<>();
            for (var part : text.isBlank() ? new String[0] : text.split(",")) {
                out.add(convert(part.strip(), element, names, source, problems));
            }
            return java.util.Collections.unmodifiableList(out);      // a failed element is null, and the problems are thrown
        }
        var value = convert(text, element, names, source, problems);
        return optional ? Optional.ofNullable(value) : value;
    }

    private static Object convert(String text, Class<?> type, Keys names, String source, List<String> problems) {
        var errors = new Errors();
        var value = Scalars.fromText(text, type, Loc.of("settings", names.environment()), errors);
        if (value == Errors.FAILED) {
            problems.add(names.environment() + ": " + errors.list().getFirst().msg() + ": '" + text + "' (from the " + source + ")");
            return null;
        }
        return value;
    }
}
