package dev.kyoyu.stream.errors;

import dev.kyoyu.stream.assembly.RejectReason;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;

/**
 * An exception while processing one record (KIP-1033): that record is rejected with the exception's message and
 * the next one is processed, so a record no rule foresaw costs only itself instead of stopping the stream at the
 * same offset after every restart. A Kafka Streams failure (a state store, the broker) is not the record's fault:
 * skipping the record would lose it, so that one still fails the stream.
 */
public final class RejectingProcessingHandler extends RejectingHandler implements ProcessingExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            return Response.fail();
        }
        return Response.resume(reject(RejectReason.UNPROCESSABLE, "the decision stream could not process a record",
                context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }
}
