package dev.kyoyu.stream;

import dev.kyoyu.service.config.ServiceMain;

public final class StreamMain {
    private StreamMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("decision-stream", () -> StreamApp.start(StreamConfig.fromEnv(System.getenv())));
    }
}
