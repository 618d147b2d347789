package dev.kyoyu.bench.stack;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/** The HTTP client the benchmarks drive the services with: HTTP/1.1 keep-alive, a virtual thread per exchange. */
public final class LoopbackHttp {
    private LoopbackHttp() {
    }

    public static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }
}
