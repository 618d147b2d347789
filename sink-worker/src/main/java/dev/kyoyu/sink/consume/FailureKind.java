package dev.kyoyu.sink.consume;

import dev.kyoyu.sink.copy.EarlierWrites;
import dev.kyoyu.sink.copy.RefusedRecordException;
import dev.kyoyu.sink.offsets.OffsetStore;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * What a failure of the sink means, decided in one place for both consume loops. Read it as a table:
 *
 * <pre>
 * failure                                                     kind        what the loop does
 * ----------------------------------------------------------  ----------  -----------------------------------------
 * offsets moved (another worker wrote the partition)          FENCED      drop what is in memory, seek to stored offsets
 * gave way to an earlier batch; deadlock, serialization 40*   CONTENTION  write the batch again at once
 * SQLTransient*, SQLRecoverable*; SQLSTATE 08, 53, 57, 58, XX  OUTAGE      hold the batch, pause, back off, unhealthy
 * dead-letter topic did not take a record; earlier write lost OUTAGE      (same)
 * SQLSTATE 21 (cardinality), 22 (data), 23 (constraint),     POISON      dead-letter that record, write the rest
 *   54 (a row too large)
 * a record refused by the sink itself (ownership, range)      POISON      (same)
 * any other RuntimeException (ArithmeticException,            POISON      (same); in a whole batch: isolate record by
 *   DateTimeException, IllegalArgumentException, ...)                     record to find it, never hold
 * any other SQLException (42 schema, 0A, ...); an Error       FATAL       hold and report unhealthy: nothing a client
 *                                                                         sends causes it, an operator must act
 * </pre>
 *
 * POISON means "tied to the record(s) being written": for a whole batch the writer narrows it down by writing
 * record by record; only a record that fails on its own is dead-lettered.
 */
public enum FailureKind {
    POISON, OUTAGE, FENCED, CONTENTION, FATAL;

    public static FailureKind of(Throwable failure) {
        return switch (failure) {
            case OffsetStore.OffsetsMovedException moved -> FENCED;
            case EarlierWrites.GaveWayException gaveWay -> CONTENTION;
            case EarlierWrites.EarlierWriteFailedException earlier -> OUTAGE;
            case DeadLetterPublisher.DeadLetterException deadLetter -> OUTAGE;
            case RefusedRecordException refused -> POISON;
            case SQLException sql -> ofSql(sql);
            case RuntimeException other -> POISON;
            default -> FATAL;
        };
    }

    private static FailureKind ofSql(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return OUTAGE;
        }
        String state = e.getSQLState();
        if (state == null || state.length() < 2) {
            return OUTAGE; // the driver's own failures (an I/O error, a closed connection) come without a state
        }
        return switch (state.substring(0, 2)) {
            case "40" -> CONTENTION;
            case "08", "53", "57", "58", "XX" -> OUTAGE;
            case "21", "22", "23", "54" -> POISON;
            default -> FATAL;
        };
    }
}
