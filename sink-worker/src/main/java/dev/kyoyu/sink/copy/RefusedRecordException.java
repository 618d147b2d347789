package dev.kyoyu.sink.copy;

/**
 * The sink itself refuses one record: it belongs to another agent's run or decision, or holds a value no
 * table can. Tied to that record alone, so it is dead-lettered with this message as its reason.
 */
public final class RefusedRecordException extends RuntimeException {
    public RefusedRecordException(String reason) {
        super(reason);
    }
}
