package io.freshet.ingest.catalog;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The REST catalog settings of Trino's Iceberg connector, as Iceberg's REST client names them. */
public final class RestCatalogProperties
{
    public static final String WAREHOUSE = "iceberg.rest-catalog.warehouse";
    public static final String SECURITY = "iceberg.rest-catalog.security";
    public static final String OAUTH2_CREDENTIAL = "iceberg.rest-catalog.oauth2.credential";
    public static final String OAUTH2_TOKEN = "iceberg.rest-catalog.oauth2.token";
    public static final String OAUTH2_SCOPE = "iceberg.rest-catalog.oauth2.scope";
    public static final String OAUTH2_SERVER_URI = "iceberg.rest-catalog.oauth2.server-uri";
    public static final Set<String> PROPERTY_NAMES = Set.of(WAREHOUSE, SECURITY, OAUTH2_CREDENTIAL, OAUTH2_TOKEN, OAUTH2_SCOPE, OAUTH2_SERVER_URI);

    private RestCatalogProperties() {}

    /** Iceberg REST client properties from the Trino names among {@code properties}; unknown names are ignored. */
    public static Map<String, String> toIcebergProperties(Map<String, String> properties)
    {
        Map<String, String> rest = new HashMap<>();
        if (properties.containsKey(WAREHOUSE)) {
            rest.put("warehouse", properties.get(WAREHOUSE));
        }
        String security = properties.getOrDefault(SECURITY, "NONE").trim().toUpperCase(Locale.ROOT);
        switch (security) {
            case "NONE" -> {
                if (properties.containsKey(OAUTH2_CREDENTIAL) || properties.containsKey(OAUTH2_TOKEN)) {
                    throw new IllegalArgumentException("%s or %s is set, but %s is NONE: set %s=OAUTH2".formatted(OAUTH2_CREDENTIAL, OAUTH2_TOKEN, SECURITY, SECURITY));
                }
            }
            case "OAUTH2" -> {
                if (properties.containsKey(OAUTH2_CREDENTIAL) == properties.containsKey(OAUTH2_TOKEN)) {
                    throw new IllegalArgumentException("%s=OAUTH2 needs exactly one of %s and %s".formatted(SECURITY, OAUTH2_CREDENTIAL, OAUTH2_TOKEN));
                }
                copy(properties, OAUTH2_CREDENTIAL, rest, "credential");
                copy(properties, OAUTH2_TOKEN, rest, "token");
                copy(properties, OAUTH2_SCOPE, rest, "scope");
                copy(properties, OAUTH2_SERVER_URI, rest, "oauth2-server-uri");
            }
            default -> throw new IllegalArgumentException("Invalid %s '%s': use NONE or OAUTH2".formatted(SECURITY, security));
        }
        return rest;
    }

    private static void copy(Map<String, String> from, String name, Map<String, String> to, String icebergName)
    {
        String value = from.get(name);
        if (value != null) {
            to.put(icebergName, value);
        }
    }
}
