package dev.coda;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to an uploaded file of a {@code multipart/form-data} body, FastAPI's {@code File()}: a {@code byte[]}
 * holds a small file's content in memory, an {@link UploadFile} (also without this annotation) streams a large one
 * from a temporary file; {@code List<UploadFile>} takes every file of a repeated field, {@code Optional<UploadFile>} one
 * that may be absent.
 *
 * <pre>{@code
 * @Post("/files/")
 * public Map<String, Object> create(@File byte[] file, UploadFile fileb, @Form String token) {
 *     return Map.of("file_size", file.length, "token", token, "fileb_content_type", fileb.contentType());
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface File {
    /** The field's name; empty means the parameter's own name. */
    String value() default "";
}
