package dev.coda.internal.edge;

import org.eclipse.jetty.compression.zstandard.ZstandardCompression;
import org.eclipse.jetty.compression.zstandard.ZstandardEncoderConfig;

/**
 * Jetty's zstd, an optional dependency: only this class names it, so that an app without zstd never loads it
 * ({@link Compression#withZstd} checks that it is there first).
 */
final class Zstd {

    private Zstd() {
    }

    /** Jetty's zstd at these settings. */
    static org.eclipse.jetty.compression.Compression compression(Compression.Encoding settings) {
        var zstd = new ZstandardCompression();
        zstd.setMinCompressSize(settings.minimumSize());
        var encoder = new ZstandardEncoderConfig();
        encoder.setCompressionLevel(settings.level());
        zstd.setDefaultEncoderConfig(encoder);
        return zstd;
    }
}
