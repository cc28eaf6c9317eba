package io.freshet.trino.config;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.ConfigSecuritySensitive;
import io.freshet.ingest.catalog.RestCatalogProperties;
import jakarta.validation.constraints.NotNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Settings of an Iceberg REST catalog beyond its URI, named as in Trino's Iceberg connector. */
public class RestCatalogConfig
{
    public enum Security
    {
        NONE,
        OAUTH2,
    }

    private String warehouse;
    private Security security = Security.NONE;
    private String credential;
    private String token;
    private String scope;
    private String serverUri;

    public Optional<String> getWarehouse()
    {
        return Optional.ofNullable(warehouse);
    }

    @Config(RestCatalogProperties.WAREHOUSE)
    @ConfigDescription("Warehouse identifier or location the REST catalog serves")
    public RestCatalogConfig setWarehouse(String warehouse)
    {
        this.warehouse = warehouse;
        return this;
    }

    @NotNull
    public Security getSecurity()
    {
        return security;
    }

    @Config(RestCatalogProperties.SECURITY)
    @ConfigDescription("NONE or OAUTH2")
    public RestCatalogConfig setSecurity(Security security)
    {
        this.security = security;
        return this;
    }

    public Optional<String> getCredential()
    {
        return Optional.ofNullable(credential);
    }

    @Config(RestCatalogProperties.OAUTH2_CREDENTIAL)
    @ConfigDescription("OAuth2 client credential, client_id:client_secret")
    @ConfigSecuritySensitive
    public RestCatalogConfig setCredential(String credential)
    {
        this.credential = credential;
        return this;
    }

    public Optional<String> getToken()
    {
        return Optional.ofNullable(token);
    }

    @Config(RestCatalogProperties.OAUTH2_TOKEN)
    @ConfigDescription("OAuth2 bearer token")
    @ConfigSecuritySensitive
    public RestCatalogConfig setToken(String token)
    {
        this.token = token;
        return this;
    }

    public Optional<String> getScope()
    {
        return Optional.ofNullable(scope);
    }

    @Config(RestCatalogProperties.OAUTH2_SCOPE)
    public RestCatalogConfig setScope(String scope)
    {
        this.scope = scope;
        return this;
    }

    public Optional<String> getServerUri()
    {
        return Optional.ofNullable(serverUri);
    }

    @Config(RestCatalogProperties.OAUTH2_SERVER_URI)
    @ConfigDescription("OAuth2 token endpoint; by default the REST catalog's own")
    public RestCatalogConfig setServerUri(String serverUri)
    {
        this.serverUri = serverUri;
        return this;
    }

    /** The settings under their catalog property names, as the standalone worker reads them. */
    public Map<String, String> toProperties()
    {
        Map<String, String> properties = new HashMap<>();
        getWarehouse().ifPresent(value -> properties.put(RestCatalogProperties.WAREHOUSE, value));
        properties.put(RestCatalogProperties.SECURITY, security.name());
        getCredential().ifPresent(value -> properties.put(RestCatalogProperties.OAUTH2_CREDENTIAL, value));
        getToken().ifPresent(value -> properties.put(RestCatalogProperties.OAUTH2_TOKEN, value));
        getScope().ifPresent(value -> properties.put(RestCatalogProperties.OAUTH2_SCOPE, value));
        getServerUri().ifPresent(value -> properties.put(RestCatalogProperties.OAUTH2_SERVER_URI, value));
        return properties;
    }
}
