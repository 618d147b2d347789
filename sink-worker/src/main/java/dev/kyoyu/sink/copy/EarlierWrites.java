package dev.kyoyu.sink.copy;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The writes still in flight before a batch, oldest first. The batch may copy its events meanwhile, but it
 * commits only after all of them did, so batches commit in log order. While it waits, it holds the locks of
 * the rows it copied; an earlier write may need one of them (the same retried event in both batches, a chunk
 * both create), and PostgreSQL cannot see that the later batch waits for the earlier one in this process.
 * So the waiting batch looks, every few milliseconds, whether it blocks an earlier write, and if so gives way:
 * it rolls back and is written again after it.
 */
public final class EarlierWrites {
    public static final EarlierWrites NONE = new EarlierWrites(List.of());
    private static final long LOOK_EVERY_MILLIS = 20;
    private static final String BLOCKS_ONE = """
            SELECT EXISTS (SELECT 1 FROM unnest(?::int[]) AS earlier(pid)
                           WHERE pg_backend_pid() = ANY (pg_blocking_pids(earlier.pid)))""";

    private final List<WriteTicket> writes;

    public EarlierWrites(List<WriteTicket> writes) {
        this.writes = List.copyOf(writes);
    }

    /** The write before this one failed, so this one cannot commit: it is written again after that one. */
    public static final class EarlierWriteFailedException extends RuntimeException {
        EarlierWriteFailedException(Throwable cause) {
            super("the batch before this one was not written: " + cause, cause);
        }
    }

    /** This batch held a lock an earlier write waited for, and rolled back so that the earlier one goes first. */
    public static final class GaveWayException extends RuntimeException {
        GaveWayException() {
            super("gave way to an earlier batch that waited for this one's rows; written again after it");
        }
    }

    /** Returns once every earlier write has committed; throws if one failed or waits for this batch. */
    void await(Connection connection) throws SQLException {
        for (WriteTicket earlier : writes) {
            while (true) {
                try {
                    earlier.outcome().get(LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    if (blocksAnEarlierWrite(connection)) {
                        throw new GaveWayException();
                    }
                } catch (ExecutionException e) {
                    throw new EarlierWriteFailedException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EarlierWriteFailedException(e);
                }
            }
        }
    }

    private boolean blocksAnEarlierWrite(Connection connection) throws SQLException {
        Integer[] pids = writes.stream().map(WriteTicket::backendPid).filter(pid -> pid != 0).toArray(Integer[]::new);
        if (pids.length == 0) {
            return false;
        }
        try (PreparedStatement statement = connection.prepareStatement(BLOCKS_ONE)) {
            Array array = connection.createArrayOf("integer", pids);
            statement.setArray(1, array);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }
}
