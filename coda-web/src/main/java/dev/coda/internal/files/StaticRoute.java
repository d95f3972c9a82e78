package dev.coda.internal.files;

import dev.coda.HttpException;
import dev.coda.Request;
import dev.coda.Response;
import dev.coda.StaticFiles;
import dev.coda.internal.Internals;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The route of one static mount, {@code GET <prefix>/{path:path}}: finds the file a request names under the mount's
 * root and answers it as a file response. A name is looked up only if every segment is an ordinary name: {@code ..},
 * {@code .}, empty segments, backslashes and NUL are a {@code 404} before the file system is asked (the router has
 * decoded the path once, so {@code %2e%2e} is {@code ..} here and {@code %252e} the literal name {@code %2e}); a file
 * whose real path leaves the root through a symbolic link is a {@code 404} unless the mount follows links.
 *
 * <pre>{@code
 * var route = new StaticRoute(StaticFiles.directory(Path.of("static")));
 * router.add("GET", PathTemplate.parse("/static/{path:path}"), compile(StaticRoute.SERVE, route));
 * }</pre>
 */
public final class StaticRoute {

    /** The method the router calls: {@link #serve(String, Request)}. */
    public static final Method SERVE;

    static {
        try {
            SERVE = StaticRoute.class.getMethod("serve", String.class, Request.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String INDEX = "index.html";
    private static final String NOT_FOUND_PAGE = "404.html";

    private final StaticFiles files;
    private final Path root;
    private final ClassLoader loader;

    public StaticRoute(StaticFiles files) {
        this.files = files;
        this.root = files.directory() == null ? null : files.directory().toAbsolutePath().normalize();
        var context = Thread.currentThread().getContextClassLoader();
        this.loader = context != null ? context : StaticRoute.class.getClassLoader();
    }

    /** What keeps the mount from starting: a directory that must exist and does not, or a class-path folder that is absent. */
    public List<String> problems(String prefix) {
        if (root != null && files.checkDir() && !Files.isDirectory(root)) {
            return List.of("static files at " + prefix + ": the directory " + root + " does not exist; create it, or allow it to "
                    + "appear later with StaticFiles.directory(...).checkDir(false)");
        }
        return List.of();
    }

    /** {@code GET <prefix>/{path}}: the file, a directory's {@code index.html} (html mode), or a 404. */
    public Response serve(String path, Request request) {
        var segments = path.isEmpty() ? List.<String>of() : List.of(path.split("/", -1));
        boolean slash = path.isEmpty() || path.endsWith("/");
        var names = slash && !segments.isEmpty() ? segments.subList(0, segments.size() - 1) : segments;
        if (!names.stream().allMatch(StaticRoute::ordinary)) {
            return notFound();
        }
        var found = find(names);
        if (found != null && found.isDirectory()) {
            if (!files.html()) {
                return notFound();
            }
            if (!slash) {
                var query = request.queryString().isEmpty() ? "" : "?" + request.queryString();
                return Response.redirect(request.rootPath() + request.path() + "/" + query);     // Starlette: index.html is served at the slash
            }
            found = find(append(names, INDEX));
            return found != null && !found.isDirectory() ? answer(found) : notFound();
        }
        if (found != null && !slash) {
            return answer(found);
        }
        if (files.spa() && !slash && !names.isEmpty() && !names.getLast().contains(".")) {
            var index = find(List.of(INDEX));
            if (index != null && !index.isDirectory()) {
                return answer(index);
            }
        }
        return notFound();
    }

    /** A name the file system can only read as one entry of its directory. */
    private static boolean ordinary(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    /** The resource at {@code names} below the root, or {@code null} when there is none (or it lies outside the root). */
    private Resource find(List<String> names) {
        return root != null ? onDisk(names) : onClassPath(names);
    }

    private Resource onDisk(List<String> names) {
        try {
            var candidate = root;
            for (var name : names) {
                candidate = candidate.resolve(name);
            }
            if (!Files.exists(candidate)) {
                return null;
            }
            if (!files.followSymlinks() && !candidate.toRealPath().startsWith(root.toRealPath())) {
                return null;                  // a link that leads outside the root
            }
            return ResourceFactory.root().newResource(candidate);
        } catch (InvalidPathException | IOException e) {
            return null;
        }
    }

    private Resource onClassPath(List<String> names) {
        var name = files.classpathFolder() + (names.isEmpty() ? "" : "/" + String.join("/", names));
        URL url = loader.getResource(name.startsWith("/") ? name.substring(1) : name);
        if (url == null) {
            return null;
        }
        var resource = ResourceFactory.root().newResource(url);
        return resource != null && resource.exists() ? resource : null;
    }

    private Response answer(Resource resource) {
        return Internals.fileResponse(FileBody.of(resource));
    }

    /** FastAPI's 404; in html mode with a {@code 404.html} at the root, that page with status 404 (Starlette). */
    private Response notFound() {
        if (files.html()) {
            var page = find(List.of(NOT_FOUND_PAGE));
            if (page != null && !page.isDirectory()) {
                return answer(page).withStatus(404);
            }
        }
        throw new HttpException(404);
    }

    private static List<String> append(List<String> names, String name) {
        var out = new java.util.ArrayList<>(names);
        out.add(name);
        return out;
    }
}
