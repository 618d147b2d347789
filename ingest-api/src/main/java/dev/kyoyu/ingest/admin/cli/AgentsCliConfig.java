package dev.kyoyu.ingest.admin.cli;

import dev.kyoyu.service.config.EnvReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code ./kyoyu agents} and {@code ./kyoyu api-key} are told from outside.
 *
 * @param ingestUrl the ingest API the admin endpoints are on (default: this instance's KYOYU_INGEST_PORT)
 * @param adminId   the admin agent whose key is in {@code keyFile}
 * @param keyFile   {@code $KYOYU_HOME/admin-api-key}, written by the bootstrap
 */
public record AgentsCliConfig(URI ingestUrl, String adminId, Path keyFile) {

    public static AgentsCliConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        int port = r.port("KYOYU_INGEST_PORT", 8080);
        URI url = r.optionalHttpUrl("KYOYU_INGEST_URL");
        String home = r.string("KYOYU_HOME", ".kyoyu");
        AgentsCliConfig config = new AgentsCliConfig(url != null ? url : URI.create("http://127.0.0.1:" + port),
                r.string("KYOYU_ADMIN_AGENT_ID", BootstrapAdmin.ADMIN), Path.of(home).resolve(BootstrapAdmin.KEY_FILE));
        r.finish();
        return config;
    }
}
