package dev.coda.internal.edge;

import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.gzip.GzipEncoderConfig;
import org.eclipse.jetty.compression.server.CompressionConfig;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.server.Handler;

/**
 * Gzip of response bodies by Jetty's {@link CompressionHandler}: by {@code Accept-Encoding} (a {@code q=0} refuses),
 * above a minimum size, with {@code Vary: Accept-Encoding}; never event streams, already-compressed types (Jetty's
 * defaults: images but SVG, audio, video, archives) or responses that carry a {@code Content-Encoding}. Streamed
 * bodies are compressed on the fly, each flush of the app a flush of the compressor.
 *
 * @param minimumSize bodies of fewer bytes (by {@code Content-Length}) go uncompressed
 * @param level the deflate level, 1 (fast) to 9 (small)
 */
public record Compression(int minimumSize, int level) {

    public Compression {
        if (minimumSize < 0) {
            throw new IllegalArgumentException("minimumSize must not be negative: " + minimumSize);
        }
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("the gzip level is from 1 to 9: " + level);
        }
    }

    Handler wrap(Handler next) {
        var gzip = new GzipCompression();
        gzip.setMinCompressSize(minimumSize);
        var encoder = new GzipEncoderConfig();
        encoder.setCompressionLevel(level);
        encoder.setSyncFlush(true);
        gzip.setDefaultEncoderConfig(encoder);
        var handler = new CompressionHandler(next);
        handler.putCompression(gzip);
        handler.putConfiguration("/", CompressionConfig.builder().defaults()
                .compressExcludeMimeType("text/event-stream")
                // request bodies stay as sent: a compressed upload is the route's to read, within the body size limit
                .decompressIncludeMethod("NONE")
                .build());
        return handler;
    }
}
