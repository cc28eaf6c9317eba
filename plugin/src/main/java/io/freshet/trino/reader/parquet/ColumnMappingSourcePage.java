package io.freshet.trino.reader.parquet;

import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.block.RunLengthEncodedBlock;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.function.ObjLongConsumer;

import static io.airlift.slice.SizeOf.instanceSize;
import static java.util.Objects.checkIndex;
import static java.util.Objects.requireNonNull;

/**
 * Presents the Parquet reader's page in the order the caller asked for, with all-null blocks for columns that
 * the file does not have. Blocks of the source page stay lazy: they are only decoded when asked for.
 */
final class ColumnMappingSourcePage
        implements SourcePage
{
    static final int NULL_COLUMN = -1;

    private static final long INSTANCE_SIZE = instanceSize(ColumnMappingSourcePage.class);

    private final SourcePage source;
    // for each output channel, the channel of the source page, or NULL_COLUMN
    private final int[] sourceChannels;
    private final List<Type> types;

    ColumnMappingSourcePage(SourcePage source, int[] sourceChannels, List<Type> types)
    {
        this.source = requireNonNull(source, "source is null");
        this.sourceChannels = requireNonNull(sourceChannels, "sourceChannels is null");
        this.types = requireNonNull(types, "types is null");
    }

    @Override
    public int getPositionCount()
    {
        return source.getPositionCount();
    }

    @Override
    public long getSizeInBytes()
    {
        return source.getSizeInBytes();
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + source.getRetainedSizeInBytes();
    }

    @Override
    public void retainedBytesForEachPart(ObjLongConsumer<Object> consumer)
    {
        consumer.accept(this, INSTANCE_SIZE);
        source.retainedBytesForEachPart(consumer);
    }

    @Override
    public int getChannelCount()
    {
        return sourceChannels.length;
    }

    @Override
    public Block getBlock(int channel)
    {
        checkIndex(channel, sourceChannels.length);
        int sourceChannel = sourceChannels[channel];
        if (sourceChannel == NULL_COLUMN) {
            return RunLengthEncodedBlock.create(types.get(channel), null, getPositionCount());
        }
        return source.getBlock(sourceChannel);
    }

    @Override
    public Page getPage()
    {
        Block[] blocks = new Block[sourceChannels.length];
        for (int channel = 0; channel < blocks.length; channel++) {
            blocks[channel] = getBlock(channel);
        }
        return new Page(getPositionCount(), blocks);
    }

    @Override
    public void selectPositions(int[] positions, int offset, int size)
    {
        // null blocks are built on demand from the position count, so only the source needs to filter
        source.selectPositions(positions, offset, size);
    }
}
