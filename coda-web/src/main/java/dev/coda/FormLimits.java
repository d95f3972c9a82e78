package dev.coda;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The limits of form bodies, set with {@link Coda.Builder#formLimits}. A {@code multipart/form-data} body streams through
 * Jetty's parser: a part stays in memory up to {@link Builder#memoryThreshold}, past it the part goes to a temporary file
 * in {@link Builder#tempDirectory}. Past a size limit the answer is {@code 413} with a {@code {"detail": ...}}, past the
 * part count {@code 400} (Starlette's answer for too many fields). An urlencoded form is read whole, within
 * {@link Coda.Builder#maxRequestBodySize}.
 *
 * <pre>{@code
 * Coda.app().routes(new Uploads())
 *     .formLimits(limits -> limits.maxFileSize(100L << 20).maxRequestSize(200L << 20).maxParts(20))
 *     .build();
 * }</pre>
 */
public final class FormLimits {

    private final long memoryThreshold;
    private final long maxFileSize;
    private final long maxRequestSize;
    private final long maxFieldSize;
    private final int maxParts;
    private final Path tempDirectory;

    private FormLimits(Builder b) {
        this.memoryThreshold = b.memoryThreshold;
        this.maxFileSize = b.maxFileSize;
        this.maxRequestSize = b.maxRequestSize;
        this.maxFieldSize = b.maxFieldSize;
        this.maxParts = b.maxParts;
        this.tempDirectory = b.tempDirectory;
    }

    /** The defaults: see each setting of {@link Builder}. */
    public static FormLimits defaults() {
        return new Builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Bytes of a part kept in memory; a larger part is written to a temporary file. */
    public long memoryThreshold() {
        return memoryThreshold;
    }

    /** The largest file (a part with a file name), in bytes; {@code -1} for no limit but the request's. */
    public long maxFileSize() {
        return maxFileSize;
    }

    /** The largest multipart body, in bytes. */
    public long maxRequestSize() {
        return maxRequestSize;
    }

    /** The largest field (a part without a file name), in bytes. */
    public long maxFieldSize() {
        return maxFieldSize;
    }

    /** The most parts (fields and files) in one form. */
    public int maxParts() {
        return maxParts;
    }

    /** Where parts past the memory threshold are written. */
    public Path tempDirectory() {
        return tempDirectory;
    }

    /** Sets the form limits; every method returns this builder. */
    public static final class Builder {
        private long memoryThreshold = 1 << 20;
        private long maxFileSize = -1;
        private long maxRequestSize = 2L << 30;
        private long maxFieldSize = 1 << 20;
        private int maxParts = 1000;
        private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder() {
        }

        /** Default 1 MiB, Starlette's spooling threshold. */
        public Builder memoryThreshold(long bytes) {
            this.memoryThreshold = nonNegative(bytes, "memoryThreshold");
            return this;
        }

        /** Default {@code -1}: no limit of its own (Starlette has none). */
        public Builder maxFileSize(long bytes) {
            if (bytes < -1) {
                throw new IllegalArgumentException("maxFileSize must be -1 (no limit) or a size: " + bytes);
            }
            this.maxFileSize = bytes;
            return this;
        }

        /** Default 2 GiB. */
        public Builder maxRequestSize(long bytes) {
            this.maxRequestSize = nonNegative(bytes, "maxRequestSize");
            return this;
        }

        /** Default 1 MiB, Starlette's {@code max_part_size}. */
        public Builder maxFieldSize(long bytes) {
            this.maxFieldSize = nonNegative(bytes, "maxFieldSize");
            return this;
        }

        /** Default 1000, Starlette's {@code max_fields} and {@code max_files}. */
        public Builder maxParts(int parts) {
            this.maxParts = (int) nonNegative(parts, "maxParts");
            return this;
        }

        /** Default {@code java.io.tmpdir}. */
        public Builder tempDirectory(Path directory) {
            this.tempDirectory = Objects.requireNonNull(directory, "tempDirectory");
            return this;
        }

        public FormLimits build() {
            return new FormLimits(this);
        }

        private static long nonNegative(long value, String setting) {
            if (value < 0) {
                throw new IllegalArgumentException(setting + " must not be negative: " + value);
            }
            return value;
        }
    }
}
