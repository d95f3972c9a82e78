package dev.coda.internal.edge;

import java.util.ArrayList;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.gzip.GzipEncoderConfig;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.server.Handler;

/**
 * Compression of response bodies by Jetty's {@link CompressionHandler}, with gzip, zstd or both: by {@code Accept-Encoding}
 * (a {@code q=0} refuses; among the accepted ones, whatever their q, zstd before gzip: Jetty's rule), above a minimum size, with
 * {@code Vary: Accept-Encoding}; never event streams, already-compressed types (Jetty's defaults: images but SVG, audio,
 * video, archives) or responses that carry a {@code Content-Encoding}. Streamed bodies are compressed on the fly, each
 * flush of the app a flush of the compressor.
 *
 * @param gzip gzip's settings, or {@code null} for no gzip
 * @param zstd zstd's settings (Jetty's {@code jetty-compression-zstandard}, on zstd-jni), or {@code null} for no zstd
 */
public record Compression(Encoding gzip, Encoding zstd) {

    /** No compression yet: the builder adds gzip and zstd to it. */
    public static final Compression NONE = new Compression(null, null);

    /**
     * One encoding's settings.
     *
     * @param minimumSize bodies of fewer bytes (by {@code Content-Length}) go uncompressed
     * @param level the encoder's level: deflate's 1 (fast) to 9 (small), zstd's 1 to 22
     */
    public record Encoding(int minimumSize, int level) {

        public Encoding {
            if (minimumSize < 0) {
                throw new IllegalArgumentException("minimumSize must not be negative: " + minimumSize);
            }
        }
    }

    /** These settings with gzip at {@code level} (1 to 9). */
    public Compression withGzip(int minimumSize, int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("the gzip level is from 1 to 9: " + level);
        }
        return new Compression(new Encoding(minimumSize, level), zstd);
    }

    /** These settings with zstd at {@code level} (1 to 22); fails when {@code jetty-compression-zstandard} is missing. */
    public Compression withZstd(int minimumSize, int level) {
        if (level < 1 || level > 22) {
            throw new IllegalArgumentException("the zstd level is from 1 to 22: " + level);
        }
        checkZstdPresent();
        return new Compression(gzip, new Encoding(minimumSize, level));
    }

    /** Here rather than in {@link Zstd}, whose loading fails without the artifact, before it could explain. */
    private static void checkZstdPresent() {
        try {
            Class.forName("org.eclipse.jetty.compression.zstandard.ZstandardCompression", false, Compression.class.getClassLoader());
            Class.forName("com.github.luben.zstd.Zstd", false, Compression.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("zstd needs org.eclipse.jetty.compression:jetty-compression-zstandard "
                    + "(and com.github.luben:zstd-jni) on the class path: " + e.getMessage(), e);
        }
    }

    Handler wrap(Handler next) {
        var handler = new CompressionHandler(next);
        var preferred = new ArrayList<String>();
        if (zstd != null) {
            handler.putCompression(Zstd.compression(zstd));
            preferred.add("zstd");
        }
        if (gzip != null) {
            var compression = new GzipCompression();
            compression.setMinCompressSize(gzip.minimumSize());
            var encoder = new GzipEncoderConfig();
            encoder.setCompressionLevel(gzip.level());
            encoder.setSyncFlush(true);
            compression.setDefaultEncoderConfig(encoder);
            handler.putCompression(compression);
            preferred.add("gzip");
        }
        handler.putConfiguration("/", CompressionConfig.builder().defaults()
                .compressPreferredEncodings(preferred)
                .compressExcludeMimeType("text/event-stream")
                // request bodies stay as sent: a compressed upload is the route's to read, within the body size limit
                .decompressIncludeMethod("NONE")
                .build());
        return handler;
    }
}
