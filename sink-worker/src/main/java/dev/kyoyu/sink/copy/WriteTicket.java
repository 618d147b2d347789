package dev.kyoyu.sink.copy;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One batch's write as the batches after it see it: its outcome (events stored, or why not), and the
 * PostgreSQL backend running its transaction, so that a later batch can tell whether it is in its way.
 */
public final class WriteTicket {
    private final CompletableFuture<Integer> outcome = new CompletableFuture<>();
    private volatile int backendPid;

    public CompletableFuture<Integer> outcome() {
        return outcome;
    }

    /** Runs the write on the calling thread and records how it ended. */
    public void settle(Callable<Integer> write) {
        try {
            outcome.complete(write.call());
        } catch (Exception | Error e) {
            outcome.completeExceptionally(e);
        }
    }

    void connectedTo(int pid) {
        backendPid = pid;
    }

    /** 0 while the write has no connection yet. */
    int backendPid() {
        return backendPid;
    }
}
