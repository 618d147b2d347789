package dev.kyoyu.stream.errors;

import dev.kyoyu.stream.StreamMetrics;
import dev.kyoyu.stream.assembly.RejectReason;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the three exception handlers share: the rejected topic (Kafka Streams'
 * {@code errors.dead.letter.queue.topic.name}, KIP-1034), the metrics, and how a record is reported. Kafka Streams
 * creates the handlers itself; they find both in the configuration it passes them.
 */
public abstract class RejectingHandler implements Configurable {
    /** The {@link StreamMetrics} of the app, handed through the Streams configuration (it is an object, not text). */
    public static final String METRICS_CONFIG = "kyoyu.stream.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(RejectingHandler.class);
    private String rejectedTopic;
    private StreamMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || !(configs.get(METRICS_CONFIG) instanceof StreamMetrics m)) {
            throw new ConfigException(getClass().getSimpleName() + " needs " + StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " and " + METRICS_CONFIG);
        }
        this.rejectedTopic = topic.toString();
        this.metrics = m;
    }

    /** Counts and logs the failure and returns the report for the rejected topic (none without a source record). */
    final List<ProducerRecord<byte[], byte[]>> reject(RejectReason reason, String what, ErrorHandlerContext context,
                                                      byte[] rawKey, byte[] rawValue, Exception e) {
        metrics.rejected(reason.code());
        String line = "{} (topic {}, partition {}, offset {}, processor {}); it goes to {} and the stream continues";
        if (reason == RejectReason.UNPROCESSABLE) {
            // Likely a bug: keep the stack trace.
            LOG.warn(line, what, context.topic(), context.partition(), context.offset(), context.processorNodeId(), rejectedTopic, e);
        } else {
            // Kafka Streams logs these itself, with the stack trace; one line here says where the record went.
            LOG.warn(line + ": {}", what, context.topic(), context.partition(), context.offset(), context.processorNodeId(),
                    rejectedTopic, e.getMessage());
        }
        if (rawValue == null && rawKey == null && context.topic() == null) {
            return List.of();
        }
        return List.of(RejectionReport.build(rejectedTopic, reason, what, context, rawKey, rawValue, e));
    }
}
