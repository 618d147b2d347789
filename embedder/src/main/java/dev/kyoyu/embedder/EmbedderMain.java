package dev.kyoyu.embedder;

import dev.kyoyu.service.config.ServiceMain;

public final class EmbedderMain {
    private EmbedderMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("embedder", () -> EmbedderApp.start(EmbedderConfig.fromEnv(System.getenv())));
    }
}
