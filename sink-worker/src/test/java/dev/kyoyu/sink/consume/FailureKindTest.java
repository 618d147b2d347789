package dev.kyoyu.sink.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.sink.copy.RefusedRecordException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.DateTimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision table: what each failure means for the batch. */
class FailureKindTest {
    @ParameterizedTest(name = "SQLSTATE {0} is {1}")
    @CsvSource({
            "22008, POISON", // datetime field overflow
            "22P02, POISON", // invalid text representation, e.g. a lone surrogate in jsonb
            "23505, POISON", // unique violation
            "23514, POISON", // check violation
            "54000, POISON", // a row too large for an index
            "08006, OUTAGE", // connection failure
            "53300, OUTAGE", // too many connections
            "57P01, OUTAGE", // admin shutdown
            "57014, OUTAGE", // statement timeout
            "40P01, CONTENTION", // deadlock
            "40001, CONTENTION", // serialization failure
            "42P01, FATAL", // undefined table: the schema is not what the sink expects
    })
    void classifiesDatabaseFailuresByTheirState(String state, FailureKind kind) {
        assertEquals(kind, FailureKind.of(new SQLException("x", state)));
    }

    @Test
    void aFailureTurningOneRecordIntoRowsIsPoison() {
        assertEquals(FailureKind.POISON, FailureKind.of(new ArithmeticException("long overflow")));
        assertEquals(FailureKind.POISON, FailureKind.of(new IllegalArgumentException(new ArithmeticException("long overflow"))));
        assertEquals(FailureKind.POISON, FailureKind.of(new DateTimeException("bad")));
        assertEquals(FailureKind.POISON, FailureKind.of(new UncheckedIOException(new java.io.IOException("bad"))));
        assertEquals(FailureKind.POISON, FailureKind.of(new RefusedRecordException("run belongs to another agent")));
    }

    @Test
    void anUnreachableDatabaseOrBrokerIsAnOutage() {
        assertEquals(FailureKind.OUTAGE, FailureKind.of(new SQLTransientConnectionException("pool timed out")));
        assertEquals(FailureKind.OUTAGE, FailureKind.of(new SQLException("no state")));
        assertEquals(FailureKind.OUTAGE, FailureKind.of(new DeadLetterPublisher.DeadLetterException("broker down", null)));
    }

    @Test
    void anErrorIsFatal() {
        assertEquals(FailureKind.FATAL, FailureKind.of(new OutOfMemoryError()));
    }
}
