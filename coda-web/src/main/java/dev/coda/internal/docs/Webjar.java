package dev.coda.internal.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * A webjar on the class path, and the few of its files that Coda serves, each with its media type. Nothing else of
 * the class path is ever served: a file is served only if it is named here.
 *
 * <pre>{@code
 * var bundle = Webjar.SWAGGER_UI.read("swagger-ui-bundle.js");
 * var redoc = Webjar.REDOC.read("redoc.standalone.js");  // with its one CDN URL replaced
 * }</pre>
 *
 * @param name the webjar's name, as in {@code META-INF/resources/webjars/<name>/<version>/}
 * @param version its version, written into {@code webjars.properties} by the build from the parent pom
 * @param files the files served, by name, with their media types
 * @param offline for a file that would make the browser ask another host, each such URL in it and what is served in
 *     its place
 */
record Webjar(String name, String version, Map<String, String> files, Map<String, Map<String, String>> offline) {

    private static final String JS = "text/javascript; charset=utf-8";
    private static final Properties VERSIONS = versions();

    /** Swagger UI ({@code org.webjars:swagger-ui}): its bundle, which includes the standalone preset, its CSS and icons. */
    static final Webjar SWAGGER_UI = new Webjar("swagger-ui", Map.of(
            "swagger-ui-bundle.js", JS,
            "swagger-ui.css", "text/css; charset=utf-8",
            "oauth2-redirect.js", JS,
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png"), Map.of());

    /**
     * ReDoc ({@code org.webjars:redoc}): its standalone bundle. Its side menu shows Redocly's logo from Redocly's CDN,
     * always; an empty image takes its place (ReDoc then hides it), so that the page asks no other host.
     */
    static final Webjar REDOC = new Webjar("redoc", Map.of("redoc.standalone.js", JS),
            Map.of("redoc.standalone.js", Map.of("https://cdn.redoc.ly/redoc/logo-mini.svg", "data:,")));

    private Webjar(String name, Map<String, String> files, Map<String, Map<String, String>> offline) {
        this(name, VERSIONS.getProperty(name), files, offline);
    }

    /** Whether its files are on the class path (an app may leave the webjar out, with its page turned off). */
    boolean present() {
        return files.keySet().stream().allMatch(file -> Webjar.class.getClassLoader().getResource(resource(file)) != null);
    }

    /** The bytes of one of its {@link #files}. */
    byte[] read(String file) {
        if (!files.containsKey(file)) {
            throw new IllegalArgumentException(file + " is not one of the files served from " + name);
        }
        try (InputStream in = Webjar.class.getClassLoader().getResourceAsStream(resource(file))) {
            if (in == null) {
                throw new IllegalStateException(resource(file) + " is not on the class path");
            }
            var bytes = in.readAllBytes();
            var replace = offline.getOrDefault(file, Map.of());
            if (replace.isEmpty()) {
                return bytes;
            }
            var text = new String(bytes, StandardCharsets.UTF_8);
            for (var r : replace.entrySet()) {
                text = text.replace(r.getKey(), r.getValue());
            }
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the webjar says what it is, for the messages that ask for it. */
    String coordinates() {
        return "org.webjars:" + name + ":" + version;
    }

    private String resource(String file) {
        return "META-INF/resources/webjars/" + name + "/" + version + "/" + file;
    }

    private static Properties versions() {
        var properties = new Properties();
        try (InputStream in = Webjar.class.getResourceAsStream("webjars.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/coda/internal/docs/webjars.properties is missing from coda-web's jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
