package dev.coda.security;

import dev.coda.HttpException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the security schemes share: FastAPI's 401 and its parsing of {@code Authorization} ({@code fastapi.security.utils}). */
final class Schemes {

    private Schemes() {
    }

    /** FastAPI's {@code make_not_authenticated_error}: 401 {@code {"detail": "Not authenticated"}} with a challenge. */
    static HttpException notAuthenticated(String challenge) {
        return new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", challenge));
    }

    /** {@code get_authorization_scheme_param}: the scheme before the first space and the rest, stripped; empty for no header. */
    static String[] schemeAndParam(String authorization) {
        if (authorization == null || authorization.isEmpty()) {
            return new String[] {"", ""};
        }
        int space = authorization.indexOf(' ');
        return space < 0 ? new String[] {authorization, ""}
                : new String[] {authorization.substring(0, space), authorization.substring(space + 1).strip()};
    }

    /** A scheme's definition: its type, the description if any, then the rest, in the order FastAPI's models dump them. */
    static Map<String, Object> definition(String type, String description, Object... keysAndValues) {
        var out = new LinkedHashMap<String, Object>();
        out.put("type", type);
        if (description != null) {
            out.put("description", description);
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                out.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return out;
    }
}
