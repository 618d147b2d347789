package dev.kyoyu.query;

import dev.kyoyu.service.config.ServiceMain;

public final class QueryMain {
    private QueryMain() {
    }

    public static void main(String[] args) {
        ServiceMain.run("query-api", () -> QueryApp.start(QueryConfig.fromEnv(System.getenv())));
    }
}
