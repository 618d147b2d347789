package dev.kyoyu.sink;

import dev.kyoyu.service.config.ServiceMain;

public final class SinkMain {
    private SinkMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("sink-worker", () -> SinkApp.start(SinkConfig.fromEnv(System.getenv())));
    }
}
