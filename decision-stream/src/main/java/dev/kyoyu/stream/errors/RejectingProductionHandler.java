package dev.kyoyu.stream.errors;

import dev.kyoyu.stream.assembly.RejectReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * A record the stream produced that the broker will never take (over its size limit, refused as invalid) or that
 * cannot be serialized: the source record is rejected and the stream continues. Any other send failure is the
 * broker's (unreachable, fenced): it fails as before, since resuming would drop output.
 */
public final class RejectingProductionHandler extends RejectingHandler implements ProductionExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof InvalidRecordException) {
            return Response.resume(reject(RejectReason.UNPUBLISHABLE, "a record for " + record.topic() + " was refused by the broker",
                    context, context.sourceRawKey(), context.sourceRawValue(), exception));
        }
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        return Response.resume(reject(RejectReason.UNPUBLISHABLE, "a record for " + record.topic() + " could not be serialized",
                context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }
}
