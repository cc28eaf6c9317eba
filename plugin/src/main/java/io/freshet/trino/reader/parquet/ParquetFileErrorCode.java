package io.freshet.trino.reader.parquet;

import io.trino.spi.ErrorCode;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.ErrorType;

import static io.trino.spi.ErrorType.EXTERNAL;

/**
 * Errors raised while reading Iceberg Parquet data files. Codes start at 0x0715_0100: inside Freshet's range
 * (see {@code FreshetErrorCode}, which starts at 0x0715_0000) but far enough from its start not to collide.
 */
public enum ParquetFileErrorCode
        implements ErrorCodeSupplier
{
    FRESHET_PARQUET_BAD_DATA(0, EXTERNAL),
    FRESHET_PARQUET_CANNOT_OPEN_SPLIT(1, EXTERNAL),
    FRESHET_PARQUET_CURSOR_ERROR(2, EXTERNAL),
    /**/;

    private final ErrorCode errorCode;

    ParquetFileErrorCode(int code, ErrorType type)
    {
        errorCode = new ErrorCode(code + 0x0715_0100, name(), type);
    }

    @Override
    public ErrorCode toErrorCode()
    {
        return errorCode;
    }
}
