package dev.kyoyu.stream.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A source topic's values as the contract's records (an agent event, a decision). Anything else, a missing value
 * included, throws here, where Kafka Streams' deserialization exception handler rejects it with its offset.
 */
final class ContractDeserializer<T> implements Deserializer<T> {
    @FunctionalInterface
    interface Reader<T> {
        T read(byte[] value) throws IOException;
    }

    private final String what;
    private final Reader<T> reader;

    ContractDeserializer(String what, Reader<T> reader) {
        this.what = what;
        this.reader = reader;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return reader.read(data);
        } catch (JsonProcessingException e) {
            // The original message, without the parser's location and source excerpt.
            throw new SerializationException("not " + what + ": " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not " + what + ": " + e.getMessage(), e);
        }
    }
}
