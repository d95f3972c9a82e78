package dev.coda.internal.inject;

import java.lang.reflect.Parameter;
import java.lang.reflect.Type;

/**
 * What a path operation's bindings tell its OpenAPI document: each {@link Binding} describes the part of the request it
 * reads, so that a new kind of binding documents itself in one place ({@link Binding#describe}).
 *
 * <pre>{@code
 * route.plan().describe(new OperationSink() { ... });   // the document generator's side
 * }</pre>
 */
public interface OperationSink {

    /**
     * A path, query, header or cookie parameter.
     *
     * @param in {@code path}, {@code query}, {@code header} or {@code cookie}
     * @param type the declared type ({@code int}, {@code Optional<String>}, {@code List<Color>})
     * @param defaultText its {@code @Default}, or {@code null}
     * @param declared the Java parameter (its constraints)
     */
    void parameter(String in, String name, boolean required, Type type, String defaultText, Parameter declared);

    /**
     * The JSON body, or one field of it when the operation takes several bodies ({@code embedded}), as FastAPI embeds them.
     *
     * @param declared the Java parameter (its constraints)
     */
    void body(String name, Type type, boolean required, boolean embedded, Parameter declared);

    /**
     * A form field or, with {@code file}, an uploaded file: the body becomes a form, {@code multipart/form-data} when it
     * has a file, else {@code application/x-www-form-urlencoded}, described by FastAPI's {@code Body_<operationId>}.
     *
     * @param defaultText its {@code @Default}, or {@code null}
     * @param declared the Java parameter (its constraints)
     */
    void formField(String name, Type type, boolean required, boolean file, String defaultText, Parameter declared);

    /**
     * A security scheme the operation requires, FastAPI's {@code security} requirement: the scheme's definition goes to
     * {@code components.securitySchemes}.
     *
     * @param scopes the OAuth2 scopes required along the chain that reached the scheme, outermost first
     */
    void security(String schemeName, java.util.Map<String, Object> definition, java.util.List<String> scopes);
}
