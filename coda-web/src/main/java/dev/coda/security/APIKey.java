package dev.coda.security;

import dev.coda.internal.security.SecuritySchemeSource;
import java.util.Map;

/**
 * What the API key schemes share, FastAPI's {@code APIKeyBase}: an empty key counts as missing.
 *
 * <pre>{@code
 * Coda.app().dependencies(new APIKeyHeader("X-API-Key"), new APIKeyQuery("api_key").named("QueryKey"));
 * }</pre>
 */
public abstract sealed class APIKey implements SecuritySchemeSource permits APIKeyHeader, APIKeyQuery, APIKeyCookie {

    final String in;
    final String name;
    final boolean autoError;
    final String schemeName;
    final String description;

    APIKey(String in, String name, boolean autoError, String schemeName, String description) {
        this.in = in;
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.autoError = autoError;
        this.schemeName = schemeName;
        this.description = description;
    }

    final String check(String key) {
        if (key == null || key.isEmpty()) {
            if (autoError) {
                throw Schemes.notAuthenticated("APIKey");
            }
            return null;
        }
        return key;
    }

    @Override
    public final String schemeName() {
        return schemeName == null ? getClass().getSimpleName() : schemeName;
    }

    @Override
    public final String dependencyName() {
        return schemeName;
    }

    @Override
    public final Map<String, Object> definition() {
        return Schemes.definition("apiKey", description, "in", in, "name", name);
    }
}
