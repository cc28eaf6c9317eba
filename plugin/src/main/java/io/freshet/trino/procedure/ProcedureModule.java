package io.freshet.trino.procedure;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.trino.spi.connector.TableProcedureMetadata;
import io.trino.spi.procedure.Procedure;

/** Every procedure of the catalog: the CALL procedures and the table procedures of {@code ALTER TABLE ... EXECUTE}. */
public class ProcedureModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        Multibinder<Procedure> procedures = Multibinder.newSetBinder(binder, Procedure.class);
        procedures.addBinding().toProvider(FlushProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(CompactProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(ExpireSnapshotsProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RemoveOrphanFilesProcedure.class).in(Scopes.SINGLETON);

        Multibinder<TableProcedureMetadata> tableProcedures = Multibinder.newSetBinder(binder, TableProcedureMetadata.class);
        for (UpkeepProcedure procedure : UpkeepProcedure.values()) {
            tableProcedures.addBinding().toInstance(procedure.metadata());
        }
    }
}
