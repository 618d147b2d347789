package dev.kyoyu.system;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryApp;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.util.Map;

/** ingest-api, sink-worker and query-api in process on a test's own database, events topic and dead-letter topic. */
final class InProcessStack implements AutoCloseable {
    final TestDatabase db;
    final IngestApp ingest;
    final SinkApp sink;
    final QueryApp query;

    private InProcessStack(String name) {
        db = TestDatabase.create();
        Map<String, String> env = ServiceEnv.of(db, TestTopics.create(name, 3), TestTopics.create(name + "-dlq", 1));
        ingest = IngestApp.start(IngestConfig.fromEnv(env));
        sink = SinkApp.start(SinkConfig.fromEnv(env));
        query = QueryApp.start(QueryConfig.fromEnv(env));
    }

    /** {@code name} names the topics: {@code name} (3 partitions) and {@code name-dlq}. */
    static InProcessStack start(String name) {
        return new InProcessStack(name);
    }

    @Override
    public void close() throws Exception {
        ingest.close();
        sink.close();
        query.close();
        db.close();
    }
}
