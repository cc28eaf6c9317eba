package io.freshet.ingest.buffer;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Sealing at the used size: vectors grow by doubling while rows arrive, so a sealed batch may hold up to twice the
 * memory its rows need. A batch whose buffers are much larger than its payload is copied into buffers of exactly
 * the used size (one memory copy per buffer, whatever the types and nesting), and the grown ones are freed.
 */
final class UsedSize
{
    /** Copy when the buffers exceed the payload by more than this; below it the copy costs more than it saves. */
    static final double MAXIMUM_SLACK = 1.15;

    private UsedSize() {}

    /** The root itself when its buffers are close to its payload; otherwise a copy at the used size, and the root is closed. */
    static VectorSchemaRoot sealed(VectorSchemaRoot root, BufferAllocator allocator)
    {
        long payload = 0;
        for (FieldVector vector : root.getFieldVectors()) {
            payload += vector.getBufferSize();
        }
        if (capacity(root.getFieldVectors()) <= payload * MAXIMUM_SLACK) {
            return root;
        }
        VectorSchemaRoot copy = VectorSchemaRoot.create(root.getSchema(), allocator);
        List<ArrowBuf> copies = new ArrayList<>();
        try (ArrowRecordBatch used = new VectorUnloader(root, true, false).getRecordBatch()) {
            for (ArrowBuf buffer : used.getBuffers()) {
                long length = buffer.readableBytes();
                ArrowBuf exact = allocator.buffer(length);
                exact.setBytes(0, buffer, buffer.readerIndex(), length);
                exact.writerIndex(length);
                copies.add(exact);
            }
            try (ArrowRecordBatch exact = new ArrowRecordBatch(used.getLength(), used.getNodes(), copies)) {
                new VectorLoader(copy).load(exact);
            }
        }
        catch (RuntimeException e) {
            copy.close();
            throw e;
        }
        finally {
            // the loaded vectors hold their own references
            copies.forEach(ArrowBuf::close);
        }
        copy.setRowCount(root.getRowCount());
        root.close();
        return copy;
    }

    /** Bytes the vectors' buffers occupy, children included. */
    static long capacity(List<FieldVector> vectors)
    {
        long bytes = 0;
        for (FieldVector vector : vectors) {
            for (ArrowBuf buffer : vector.getFieldBuffers()) {
                bytes += buffer.capacity();
            }
            bytes += capacity(vector.getChildrenFromFields());
        }
        return bytes;
    }
}
