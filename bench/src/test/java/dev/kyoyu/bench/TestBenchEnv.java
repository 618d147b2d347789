package dev.kyoyu.bench;

import dev.kyoyu.testsupport.TestStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The bench's environment on the broker and database server the tests run against, with this checkout's builds. */
public final class TestBenchEnv {
    private TestBenchEnv() {
    }

    public static BenchEnv onTestStack() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap());
        env.put("KYOYU_PG_URL", TestStack.adminPgUrl());
        env.put("KYOYU_PG_USER", TestStack.pgUser());
        env.put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        // Failsafe runs in bench/: the checkout whose service jars the harness starts is its parent.
        env.put("KYOYU_REPO", Path.of("").toAbsolutePath().getParent().toString());
        return BenchEnv.fromEnv(env);
    }
}
