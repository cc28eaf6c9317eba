package io.freshet.trino.maintenance;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.freshet.trino.procedure.CompactProcedure;
import io.freshet.trino.procedure.ExpireSnapshotsProcedure;
import io.freshet.trino.procedure.RemoveOrphanFilesProcedure;
import io.freshet.trino.system.MaintenanceSystemTable;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.procedure.Procedure;

import static io.airlift.configuration.ConfigBinder.configBinder;

/** Table upkeep: its configuration, CALL procedures and status table. */
public class MaintenanceModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(MaintenanceConfig.class);
        binder.bind(TableUpkeep.class).in(Scopes.SINGLETON);

        Multibinder<Procedure> procedures = Multibinder.newSetBinder(binder, Procedure.class);
        procedures.addBinding().toProvider(CompactProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(ExpireSnapshotsProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RemoveOrphanFilesProcedure.class).in(Scopes.SINGLETON);

        Multibinder<SystemTable> systemTables = Multibinder.newSetBinder(binder, SystemTable.class);
        systemTables.addBinding().to(MaintenanceSystemTable.class).in(Scopes.SINGLETON);
    }
}
