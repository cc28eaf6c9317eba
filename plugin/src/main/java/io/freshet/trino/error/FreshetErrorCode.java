package io.freshet.trino.error;

import io.trino.spi.ErrorCode;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.ErrorType;

import static io.trino.spi.ErrorType.EXTERNAL;
import static io.trino.spi.ErrorType.INTERNAL_ERROR;
import static io.trino.spi.ErrorType.USER_ERROR;

public enum FreshetErrorCode
        implements ErrorCodeSupplier
{
    FRESHET_KAFKA_ERROR(0, EXTERNAL),
    FRESHET_CATALOG_ERROR(1, EXTERNAL),
    FRESHET_HOT_RANGE_RELEASED(2, INTERNAL_ERROR),
    FRESHET_INGESTION_NOT_RUNNING(3, USER_ERROR),
    FRESHET_INVALID_TABLE_PROPERTY(4, USER_ERROR),
    FRESHET_FILESYSTEM_ERROR(5, EXTERNAL),
    FRESHET_UNKNOWN_TOPIC(6, USER_ERROR),
    FRESHET_MAINTENANCE_FAILED(7, EXTERNAL),
    FRESHET_TOPIC_NOT_ALLOWED(8, USER_ERROR),
    FRESHET_NOT_FRESHET_TABLE(9, USER_ERROR),
    FRESHET_INVALID_NAME(10, USER_ERROR),
    // a node joined or left while the query ran: running it again reads from the new owners
    FRESHET_HOT_RANGE_MOVED(11, EXTERNAL),
    FRESHET_INVALID_SCHEMA_CHANGE(12, USER_ERROR),
    /**/;

    // a base that no bundled Trino connector uses
    private static final int ERROR_CODE_BASE = 0x0715_0000;

    private final ErrorCode errorCode;

    FreshetErrorCode(int code, ErrorType type)
    {
        errorCode = new ErrorCode(code + ERROR_CODE_BASE, name(), type);
    }

    @Override
    public ErrorCode toErrorCode()
    {
        return errorCode;
    }
}
