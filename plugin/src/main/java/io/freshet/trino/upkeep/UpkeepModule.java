package io.freshet.trino.upkeep;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.freshet.trino.config.UpkeepConfig;
import io.freshet.trino.system.UpkeepSystemTable;
import io.trino.spi.connector.SystemTable;

import static io.airlift.configuration.ConfigBinder.configBinder;

/** Table upkeep: its configuration, the service its procedures call, and its status table. */
public class UpkeepModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(UpkeepConfig.class);
        binder.bind(TableUpkeep.class).in(Scopes.SINGLETON);

        Multibinder<SystemTable> systemTables = Multibinder.newSetBinder(binder, SystemTable.class);
        systemTables.addBinding().to(UpkeepSystemTable.class).in(Scopes.SINGLETON);
    }
}
