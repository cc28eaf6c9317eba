package io.freshet.ingest.flush.parquet;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Page compressors for the codecs Iceberg tables use (write.parquet.compression-codec), built on the codec libraries
 * directly rather than on Hadoop's codec classes.
 */
final class PageCompressors
{
    // zstd's own default, which is also what Iceberg writes when write.parquet.compression-level is not set
    private static final int DEFAULT_ZSTD_LEVEL = 3;

    private PageCompressors() {}

    static BytesInputCompressor forCodec(String codec, String level)
    {
        return switch (codec.toLowerCase(Locale.ROOT)) {
            case "zstd" -> new ZstdCompressor(level == null ? DEFAULT_ZSTD_LEVEL : Integer.parseInt(level));
            case "snappy" -> new SnappyCompressor();
            case "gzip" -> new GzipCompressor();
            case "uncompressed", "none" -> new Uncompressed();
            default -> throw new IllegalArgumentException(
                    "Parquet compression codec %s is not supported by Freshet's writer; set the table property write.parquet.compression-codec to zstd, snappy, gzip or uncompressed".formatted(codec));
        };
    }

    private record ZstdCompressor(int level)
            implements BytesInputCompressor
    {
        @Override
        public BytesInput compress(BytesInput bytes)
                throws IOException
        {
            return BytesInput.from(Zstd.compress(bytes.toByteArray(), level));
        }

        @Override
        public CompressionCodecName getCodecName()
        {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {}
    }

    private record SnappyCompressor()
            implements BytesInputCompressor
    {
        @Override
        public BytesInput compress(BytesInput bytes)
                throws IOException
        {
            return BytesInput.from(Snappy.compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName()
        {
            return CompressionCodecName.SNAPPY;
        }

        @Override
        public void release() {}
    }

    private record GzipCompressor()
            implements BytesInputCompressor
    {
        @Override
        public BytesInput compress(BytesInput bytes)
                throws IOException
        {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(output)) {
                bytes.writeAllTo(gzip);
            }
            return BytesInput.from(output.toByteArray());
        }

        @Override
        public CompressionCodecName getCodecName()
        {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {}
    }

    private record Uncompressed()
            implements BytesInputCompressor
    {
        @Override
        public BytesInput compress(BytesInput bytes)
        {
            return bytes;
        }

        @Override
        public CompressionCodecName getCodecName()
        {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {}
    }
}
