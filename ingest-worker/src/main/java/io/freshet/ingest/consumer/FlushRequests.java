package io.freshet.ingest.consumer;

import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.commit.OffsetWatermark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Asks to commit everything consumed so far ({@code CALL system.flush}): each request completes once the
 * watermark of every partition this node holds reaches the high-water mark it had when asked. Any thread asks;
 * only the ingest loop completes them.
 */
final class FlushRequests
{
    private final ConcurrentLinkedQueue<FlushRequest> requests = new ConcurrentLinkedQueue<>();
    private final List<FlushRequest> waiting = new ArrayList<>();

    CompletableFuture<CommittedState> request(Map<Integer, Long> highWaterMarks)
    {
        FlushRequest request = new FlushRequest(Map.copyOf(highWaterMarks), new CompletableFuture<>());
        requests.add(request);
        return request.future();
    }

    /** Whether a request waits: a flush is due now. */
    boolean waiting()
    {
        drain();
        return !waiting.isEmpty();
    }

    /** Completes the requests the watermark satisfies; partitions this node no longer holds are no longer waited for. */
    void completeSatisfied(OffsetWatermark watermark, IntPredicate held, Supplier<CommittedState> committed)
    {
        drain();
        waiting.removeIf(request -> {
            boolean satisfied = request.highWaterMarks().entrySet().stream()
                    .allMatch(entry -> !held.test(entry.getKey()) || watermark.nextOffset(entry.getKey()) >= entry.getValue());
            if (satisfied) {
                request.future().complete(committed.get());
            }
            return satisfied;
        });
    }

    void failAll(Supplier<RuntimeException> failure)
    {
        drain();
        for (FlushRequest request : waiting) {
            request.future().completeExceptionally(failure.get());
        }
        waiting.clear();
    }

    private void drain()
    {
        for (FlushRequest request; (request = requests.poll()) != null; ) {
            waiting.add(request);
        }
    }

    private record FlushRequest(Map<Integer, Long> highWaterMarks, CompletableFuture<CommittedState> future) {}
}
