package io.freshet.trino.config;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.ConfigSecuritySensitive;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.airlift.units.MinDataSize;
import io.airlift.units.MinDuration;
import io.freshet.ingest.settings.IngestDefaults;
import io.freshet.ingest.catalog.CatalogType;
import io.freshet.ingest.decoding.BadRecordPolicy;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Catalog properties of Freshet; Iceberg catalog properties use the names of Trino's Iceberg connector. */
public class FreshetConfig
{
    private CatalogType catalogType = CatalogType.valueOf(IngestDefaults.CATALOG_TYPE);
    private String catalogName = IngestDefaults.CATALOG_NAME;
    private String warehouse = IngestDefaults.WAREHOUSE;
    private String jdbcConnectionUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private String jdbcDriverClass;
    private String restUri;
    private DataSize hotBufferMaxSize = DataSize.valueOf(IngestDefaults.HOT_BUFFER_MAX_SIZE);
    private DataSize flushMaxSize = DataSize.valueOf(IngestDefaults.FLUSH_MAX_SIZE);
    private Duration flushInterval = Duration.valueOf(IngestDefaults.FLUSH_INTERVAL);
    private BadRecordPolicy badRecordPolicy = BadRecordPolicy.fromString(IngestDefaults.BAD_RECORD_POLICY);
    private DataSize maxRecordSize = DataSize.valueOf(IngestDefaults.MAX_RECORD_SIZE);
    private Duration queryLeaseTimeout = Duration.valueOf(IngestDefaults.QUERY_LEASE_TIMEOUT);
    private boolean ingestionEnabled = true;
    private String allowedTopics = ".*";

    @NotNull
    public CatalogType getCatalogType()
    {
        return catalogType;
    }

    @Config("iceberg.catalog.type")
    @ConfigDescription("Iceberg catalog: JDBC (the default, embedded SQLite unless a connection URL is set) or REST")
    public FreshetConfig setCatalogType(CatalogType catalogType)
    {
        this.catalogType = catalogType;
        return this;
    }

    @NotNull
    public String getCatalogName()
    {
        return catalogName;
    }

    @Config("iceberg.jdbc-catalog.catalog-name")
    @ConfigDescription("Name of the catalog inside the JDBC catalog database")
    public FreshetConfig setCatalogName(String catalogName)
    {
        this.catalogName = catalogName;
        return this;
    }

    @NotNull
    public String getWarehouse()
    {
        return warehouse;
    }

    @Config("iceberg.jdbc-catalog.default-warehouse-dir")
    @ConfigDescription("Directory or URI where new tables are created; a relative path is resolved against the server's working directory")
    public FreshetConfig setWarehouse(String warehouse)
    {
        this.warehouse = warehouse;
        return this;
    }

    public Optional<String> getJdbcConnectionUrl()
    {
        return Optional.ofNullable(jdbcConnectionUrl);
    }

    @Config("iceberg.jdbc-catalog.connection-url")
    @ConfigDescription("JDBC URL of the catalog database; unset means an embedded SQLite file in the warehouse")
    @ConfigSecuritySensitive
    public FreshetConfig setJdbcConnectionUrl(String jdbcConnectionUrl)
    {
        this.jdbcConnectionUrl = jdbcConnectionUrl;
        return this;
    }

    public Optional<String> getJdbcUser()
    {
        return Optional.ofNullable(jdbcUser);
    }

    @Config("iceberg.jdbc-catalog.connection-user")
    public FreshetConfig setJdbcUser(String jdbcUser)
    {
        this.jdbcUser = jdbcUser;
        return this;
    }

    public Optional<String> getJdbcPassword()
    {
        return Optional.ofNullable(jdbcPassword);
    }

    @Config("iceberg.jdbc-catalog.connection-password")
    @ConfigSecuritySensitive
    public FreshetConfig setJdbcPassword(String jdbcPassword)
    {
        this.jdbcPassword = jdbcPassword;
        return this;
    }

    public Optional<String> getJdbcDriverClass()
    {
        return Optional.ofNullable(jdbcDriverClass);
    }

    @Config("iceberg.jdbc-catalog.driver-class")
    @ConfigDescription("JDBC driver class of the catalog database; by default the bundled one the URL names (org.postgresql.Driver or org.sqlite.JDBC)")
    public FreshetConfig setJdbcDriverClass(String jdbcDriverClass)
    {
        this.jdbcDriverClass = jdbcDriverClass;
        return this;
    }

    public Optional<String> getRestUri()
    {
        return Optional.ofNullable(restUri);
    }

    @Config("iceberg.rest-catalog.uri")
    @ConfigDescription("URI of the Iceberg REST catalog, with iceberg.catalog.type=REST")
    public FreshetConfig setRestUri(String restUri)
    {
        this.restUri = restUri;
        return this;
    }

    @NotNull
    @MinDataSize("1MB")
    public DataSize getHotBufferMaxSize()
    {
        return hotBufferMaxSize;
    }

    @Config("freshet.hot-buffer.max-size")
    @ConfigDescription("Memory of all hot buffers together; when reached, consumption pauses until a commit frees memory")
    public FreshetConfig setHotBufferMaxSize(DataSize hotBufferMaxSize)
    {
        this.hotBufferMaxSize = hotBufferMaxSize;
        return this;
    }

    @NotNull
    @MinDataSize("1kB")
    public DataSize getFlushMaxSize()
    {
        return flushMaxSize;
    }

    @Config("freshet.flush.max-size")
    @ConfigDescription("Hot-buffer size of one table that starts a flush to Parquet and a commit")
    public FreshetConfig setFlushMaxSize(DataSize flushMaxSize)
    {
        this.flushMaxSize = flushMaxSize;
        return this;
    }

    @NotNull
    @MinDuration("10ms")
    public Duration getFlushInterval()
    {
        return flushInterval;
    }

    @Config("freshet.flush.interval")
    @ConfigDescription("Age of the oldest uncommitted row that starts a flush and a commit")
    public FreshetConfig setFlushInterval(Duration flushInterval)
    {
        this.flushInterval = flushInterval;
        return this;
    }

    @NotNull
    public BadRecordPolicy getBadRecordPolicy()
    {
        return badRecordPolicy;
    }

    @Config("freshet.bad-record-policy")
    @ConfigDescription("SKIP, DEAD_LETTER or FAIL: what happens to a record that does not decode, unless the table sets bad_record_policy")
    public FreshetConfig setBadRecordPolicy(BadRecordPolicy badRecordPolicy)
    {
        this.badRecordPolicy = badRecordPolicy;
        return this;
    }

    @NotNull
    @MinDataSize("1kB")
    public DataSize getMaxRecordSize()
    {
        return maxRecordSize;
    }

    @Config("freshet.max-record-size")
    @ConfigDescription("Record values larger than this are bad records")
    public FreshetConfig setMaxRecordSize(DataSize maxRecordSize)
    {
        this.maxRecordSize = maxRecordSize;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getQueryLeaseTimeout()
    {
        return queryLeaseTimeout;
    }

    @Config("freshet.query-lease-timeout")
    @ConfigDescription("Longest time a query keeps hot-buffer rows from being released")
    public FreshetConfig setQueryLeaseTimeout(Duration queryLeaseTimeout)
    {
        this.queryLeaseTimeout = queryLeaseTimeout;
        return this;
    }

    public boolean isIngestionEnabled()
    {
        return ingestionEnabled;
    }

    @Config("freshet.ingestion.enabled")
    @ConfigDescription("Run ingestion on this coordinator; false makes the catalog read only committed data")
    public FreshetConfig setIngestionEnabled(boolean ingestionEnabled)
    {
        this.ingestionEnabled = ingestionEnabled;
        return this;
    }

    @NotNull
    public String getAllowedTopics()
    {
        return allowedTopics;
    }

    @Config("freshet.allowed-topics")
    @ConfigDescription("Regular expression a table's Kafka topic and dead-letter topic must match in full; limits what CREATE TABLE and ALTER TABLE may bind with the connector's Kafka credentials")
    public FreshetConfig setAllowedTopics(String allowedTopics)
    {
        this.allowedTopics = allowedTopics;
        return this;
    }

    @AssertTrue(message = "freshet.allowed-topics is not a valid regular expression")
    public boolean isAllowedTopicsValid()
    {
        try {
            Pattern.compile(allowedTopics);
            return true;
        }
        catch (PatternSyntaxException | NullPointerException e) {
            return false;
        }
    }
}
