package dev.kyoyu.ingest;

import dev.kyoyu.service.config.ServiceMain;

public final class IngestMain {
    private IngestMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("ingest-api", () -> IngestApp.start(IngestConfig.fromEnv(System.getenv())));
    }
}
