package dev.coda.internal.security;

import java.util.Map;

/**
 * A dependency provider that is an OpenAPI security scheme: the planner asks it for its name and definition, and the
 * operations that use it list it in their {@code security} requirements (FastAPI's {@code SecurityBase}).
 *
 * <pre>{@code
 * if (provider.target() instanceof SecuritySchemeSource scheme) sink.security(scheme.schemeName(), scheme.definition(), scopes);
 * }</pre>
 */
public interface SecuritySchemeSource {

    /** The key under {@code components.securitySchemes}, by default the class's simple name, as in FastAPI. */
    String schemeName();

    /** The scheme object of the OpenAPI document, in FastAPI's key order. */
    Map<String, Object> definition();

    /** The name a parameter gives {@code @Depends} to choose this scheme when the app has two of one kind, or {@code null}. */
    String dependencyName();
}
