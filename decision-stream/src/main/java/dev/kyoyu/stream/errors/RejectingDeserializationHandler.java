package dev.kyoyu.stream.errors;

import dev.kyoyu.stream.assembly.RejectReason;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** A record that is not what its topic promises (not JSON, not an event): rejected, and the stream reads on. */
public final class RejectingDeserializationHandler extends RejectingHandler implements DeserializationExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return Response.resume(reject(RejectReason.UNREADABLE, "a record of " + record.topic() + " could not be read",
                context, record.key(), record.value(), exception));
    }
}
