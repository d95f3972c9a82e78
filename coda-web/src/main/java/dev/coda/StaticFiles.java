package dev.coda;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Files served as they are under a path prefix, FastAPI's (Starlette's) {@code StaticFiles}: from a directory, or from
 * a folder of the class path (the app's jar). Register it with {@link Coda.Builder#staticFiles(String, StaticFiles)}.
 * Each file is sent like {@link Response#file}: media type, {@code ETag}, {@code Last-Modified}, {@code 304}, ranges;
 * what is missing is a {@code 404} {@code {"detail":"Not Found"}}, and nothing outside the root can be reached.
 * Instances are immutable; every setting returns a new one.
 *
 * <pre>{@code
 * // app.mount("/static", StaticFiles(directory="static", check_dir=False), name="static")
 * Coda.app().routes(new Shop())
 *     .staticFiles("/static", StaticFiles.directory(Path.of("static")).checkDir(false))
 *     .staticFiles("/", StaticFiles.classpath("web").html(true).spa(true))      // a single-page app
 *     .build();
 * }</pre>
 *
 * @param directory the root on the file system, or {@code null} for a class-path folder
 * @param classpathFolder the root on the class path ({@code "web"} for {@code src/main/resources/web}), or {@code null}
 * @param html Starlette's {@code html=True}: a directory's {@code index.html} answers for it, and a {@code 404.html}
 *     at the root, if there is one, is the body of a {@code 404}
 * @param spa a path without a file extension that names nothing answers the root's {@code index.html} (client-side
 *     routing); implies {@link #html}
 * @param checkDir whether {@code build()} fails when the directory does not exist (FastAPI's {@code check_dir}); off,
 *     it may appear later
 * @param followSymlinks whether a symbolic link may lead outside the root (Starlette's {@code follow_symlink}); links
 *     that stay inside it are always followed
 */
public record StaticFiles(Path directory, String classpathFolder, boolean html, boolean spa, boolean checkDir,
                          boolean followSymlinks) {

    public StaticFiles {
        if ((directory == null) == (classpathFolder == null)) {
            throw new IllegalArgumentException("static files come from a directory or from a class-path folder, one of the two");
        }
    }

    /** The files of a directory (relative: to the working directory), which must exist when the app is built. */
    public static StaticFiles directory(Path directory) {
        return new StaticFiles(Objects.requireNonNull(directory, "directory"), null, false, false, true, false);
    }

    /** The files of a folder of the class path, such as {@code "static"} for {@code src/main/resources/static}. */
    public static StaticFiles classpath(String folder) {
        Objects.requireNonNull(folder, "folder");
        var trimmed = folder.replaceAll("^/+|/+$", "");
        return new StaticFiles(null, trimmed, false, false, false, false);
    }

    /** With Starlette's {@code html} mode: {@code index.html} for a directory, {@code 404.html} for what is missing. */
    public StaticFiles html(boolean on) {
        return new StaticFiles(directory, classpathFolder, on, spa && on, checkDir, followSymlinks);
    }

    /** With the single-page-app fallback: an unknown path without an extension answers the root's {@code index.html}. */
    public StaticFiles spa(boolean on) {
        return new StaticFiles(directory, classpathFolder, html || on, on, checkDir, followSymlinks);
    }

    /** Whether {@code build()} requires the directory to exist (the default), FastAPI's {@code check_dir}. */
    public StaticFiles checkDir(boolean on) {
        return new StaticFiles(directory, classpathFolder, html, spa, on, followSymlinks);
    }

    /** Whether symbolic links may lead outside the root (default: no, a {@code 404}), Starlette's {@code follow_symlink}. */
    public StaticFiles followSymlinks(boolean on) {
        return new StaticFiles(directory, classpathFolder, html, spa, checkDir, on);
    }
}
