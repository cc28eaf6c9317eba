package io.freshet.ingest.catalog;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SessionCatalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.rest.RESTSessionCatalog;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A REST catalog seen through one session. {@code RESTCatalog} picks its FileIO by class name only; the session
 * catalog takes a FileIO factory, which lets Trino's file system serve REST tables too.
 */
final class SessionCatalogAdapter
        implements Catalog, SupportsNamespaces, Closeable
{
    private final RESTSessionCatalog sessionCatalog;
    private final Catalog catalog;
    private final SupportsNamespaces namespaces;

    SessionCatalogAdapter(RESTSessionCatalog sessionCatalog)
    {
        this.sessionCatalog = requireNonNull(sessionCatalog, "sessionCatalog is null");
        this.catalog = sessionCatalog.asCatalog(SessionCatalog.SessionContext.createEmpty());
        this.namespaces = (SupportsNamespaces) catalog;
    }

    @Override
    public String name()
    {
        return sessionCatalog.name();
    }

    @Override
    public List<TableIdentifier> listTables(Namespace namespace)
    {
        return catalog.listTables(namespace);
    }

    @Override
    public Table createTable(TableIdentifier identifier, Schema schema, PartitionSpec spec, String location, Map<String, String> properties)
    {
        return catalog.createTable(identifier, schema, spec, location, properties);
    }

    @Override
    public Table createTable(TableIdentifier identifier, Schema schema, PartitionSpec spec, Map<String, String> properties)
    {
        return catalog.createTable(identifier, schema, spec, properties);
    }

    @Override
    public TableBuilder buildTable(TableIdentifier identifier, Schema schema)
    {
        return catalog.buildTable(identifier, schema);
    }

    @Override
    public boolean tableExists(TableIdentifier identifier)
    {
        return catalog.tableExists(identifier);
    }

    @Override
    public boolean dropTable(TableIdentifier identifier, boolean purge)
    {
        return catalog.dropTable(identifier, purge);
    }

    @Override
    public void renameTable(TableIdentifier from, TableIdentifier to)
    {
        catalog.renameTable(from, to);
    }

    @Override
    public Table loadTable(TableIdentifier identifier)
    {
        return catalog.loadTable(identifier);
    }

    @Override
    public void invalidateTable(TableIdentifier identifier)
    {
        catalog.invalidateTable(identifier);
    }

    @Override
    public Table registerTable(TableIdentifier identifier, String metadataFileLocation)
    {
        return catalog.registerTable(identifier, metadataFileLocation);
    }

    @Override
    public void createNamespace(Namespace namespace, Map<String, String> metadata)
    {
        namespaces.createNamespace(namespace, metadata);
    }

    @Override
    public List<Namespace> listNamespaces(Namespace namespace)
            throws NoSuchNamespaceException
    {
        return namespaces.listNamespaces(namespace);
    }

    @Override
    public Map<String, String> loadNamespaceMetadata(Namespace namespace)
            throws NoSuchNamespaceException
    {
        return namespaces.loadNamespaceMetadata(namespace);
    }

    @Override
    public boolean dropNamespace(Namespace namespace)
            throws NamespaceNotEmptyException
    {
        return namespaces.dropNamespace(namespace);
    }

    @Override
    public boolean setProperties(Namespace namespace, Map<String, String> properties)
            throws NoSuchNamespaceException
    {
        return namespaces.setProperties(namespace, properties);
    }

    @Override
    public boolean removeProperties(Namespace namespace, Set<String> properties)
            throws NoSuchNamespaceException
    {
        return namespaces.removeProperties(namespace, properties);
    }

    @Override
    public boolean namespaceExists(Namespace namespace)
    {
        return namespaces.namespaceExists(namespace);
    }

    @Override
    public void close()
            throws IOException
    {
        sessionCatalog.close();
    }
}
