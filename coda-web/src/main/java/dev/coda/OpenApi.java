package dev.coda;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an app's OpenAPI document says of the app as a whole: FastAPI's {@code title}, {@code version},
 * {@code description}, {@code summary}, {@code terms_of_service}, {@code contact}, {@code license_info},
 * {@code servers} and {@code openapi_tags}. Where the document, Swagger UI and ReDoc are served is set on
 * {@link Coda.Builder#openapiUrl}, {@link Coda.Builder#docsUrl} and {@link Coda.Builder#redocUrl}.
 *
 * <pre>{@code
 * Coda.app().routes(new Shop())
 *     .openapi(doc -> doc.title("Shop").version("1.2.0").description("Orders and **items**.")
 *                        .server("https://shop.example.com", "Production")
 *                        .tag("items", "Operations on items")
 *                        .contact("Shop team", "https://shop.example.com/team", "team@shop.example.com")
 *                        .license("Apache 2.0", "https://www.apache.org/licenses/LICENSE-2.0.html"))
 *     .run();
 * }</pre>
 *
 * @param title the app's name; default {@code "Coda"}
 * @param version the app's version (not OpenAPI's); default {@code "0.1.0"}
 * @param description a longer description, CommonMark; or {@code null}
 * @param summary a one-line summary; or {@code null}
 * @param termsOfService a URL; or {@code null}
 * @param contact or {@code null}
 * @param license or {@code null}
 * @param servers where the app is served, in order; none means the app's own address
 * @param tags the tags' descriptions, in the order the UIs list them
 */
public record OpenApi(String title, String version, String description, String summary, String termsOfService, Contact contact,
                      License license, List<Server> servers, List<Tag> tags) {

    public OpenApi {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(version, "version");
        servers = List.copyOf(servers);
        tags = List.copyOf(tags);
    }

    /** A contact; any part may be {@code null}. */
    public record Contact(String name, String url, String email) {
    }

    /** A license: its name, and its SPDX identifier or its URL (one of the two, or neither). */
    public record License(String name, String identifier, String url) {
        public License {
            Objects.requireNonNull(name, "name");
            if (identifier != null && url != null) {
                throw new IllegalArgumentException("a license has an SPDX identifier or a URL, not both (OpenAPI 3.1)");
            }
        }
    }

    /** A server the app is served at; {@code description} may be {@code null}. */
    public record Server(String url, String description) {
        public Server {
            Objects.requireNonNull(url, "url");
        }
    }

    /** A tag and its description (CommonMark, or {@code null}). */
    public record Tag(String name, String description) {
        public Tag {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The metadata of an app that sets none. */
    public static OpenApi defaults() {
        return builder().build();
    }

    static Builder builder() {
        return new Builder();
    }

    /** Sets the app's OpenAPI metadata; {@link Coda.Builder#openapi} hands one over. */
    public static final class Builder {
        private String title = "Coda";
        private String version = "0.1.0";
        private String description;
        private String summary;
        private String termsOfService;
        private Contact contact;
        private License license;
        private final List<Server> servers = new ArrayList<>();
        private final List<Tag> tags = new ArrayList<>();

        private Builder() {
        }

        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder termsOfService(String url) {
            this.termsOfService = url;
            return this;
        }

        public Builder contact(String name, String url, String email) {
            this.contact = new Contact(name, url, email);
            return this;
        }

        /** A license by name and URL. */
        public Builder license(String name, String url) {
            this.license = new License(name, null, url);
            return this;
        }

        /** A license by name and SPDX identifier ({@code "MIT"}). */
        public Builder licenseIdentifier(String name, String identifier) {
            this.license = new License(name, identifier, null);
            return this;
        }

        /** Adds a server; the first is the default of "Try it out". */
        public Builder server(String url, String description) {
            servers.add(new Server(url, description));
            return this;
        }

        /** Describes a tag; the UIs list tags in the order given here, then the others. */
        public Builder tag(String name, String description) {
            tags.add(new Tag(name, description));
            return this;
        }

        OpenApi build() {
            return new OpenApi(title, version, description, summary, termsOfService, contact, license, servers, tags);
        }
    }
}
