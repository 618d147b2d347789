package dev.kyoyu.ingest.admin.cli;

import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.ingest.admin.AdminActions;
import dev.kyoyu.ingest.admin.AdminPublisher;
import dev.kyoyu.ingest.admin.AuditTrail;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.IdKey;
import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.identity.IdentityFollower;
import dev.kyoyu.service.identity.IdentityView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Makes the first admin: when the identity topic holds no usable admin, agent {@code admin} (role admin) is created
 * with a fresh key, written to {@code $KYOYU_HOME/admin-api-key} (mode 0600) and printed once. With {@code --rotate}
 * (a lost admin key) the admin's keys are replaced at once by a new one, written the same way. Needs only Kafka and
 * the ingest API's settings, so {@code ./kyoyu up} runs it before the services start. Exit status: 0 done (or nothing
 * to do), 1 failed.
 */
public final class BootstrapAdmin {
    static final String ADMIN = "admin";
    static final String KEY_FILE = "admin-api-key";

    private BootstrapAdmin() {
    }

    public static void main(String[] args) {
        boolean rotate = List.of(args).contains("--rotate");
        if (args.length > (rotate ? 1 : 0)) {
            System.err.println("usage: BootstrapAdmin [--rotate]");
            System.exit(2);
        }
        try {
            String home = Optional.ofNullable(System.getenv("KYOYU_HOME")).filter(h -> !h.isBlank())
                    .orElseThrow(() -> new IllegalStateException("KYOYU_HOME is not set"));
            System.exit(run(IngestConfig.fromEnv(System.getenv()), Path.of(home).resolve(KEY_FILE), rotate));
        } catch (ConfigException | IllegalStateException | ApiException e) {
            System.err.println("admin bootstrap failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /** @return the exit status */
    static int run(IngestConfig config, Path keyFile, boolean rotate) {
        // Read to the end the topic had at start (and created when missing), as every service replica does.
        IdentityView view = IdentityFollower.readOnce(config.kafkaBootstrap(), config.identities());
        Optional<AgentRecord> existing = view.agents().stream().filter(a -> a.role() == Role.ADMIN && !a.revoked()).findFirst();
        if (!rotate && existing.isPresent()) {
            System.err.println("admin: agent " + existing.get().agentId() + " is an admin already; nothing to do"
                    + " (lost its key? ./kyoyu admin-key --rotate)");
            return 0;
        }
        try (AdminPublisher publisher = new AdminPublisher(config.kafkaBootstrap(), config.identities().topic(), config.eventsTopic(),
                config.ackTimeout(), view)) {
            AdminActions actions = new AdminActions(view, publisher,
                    new AuditTrail(new RunOwnership(new IdKey(config.idSecret().bytes()))), Clock.systemUTC());
            AdminActions.Issued issued;
            Optional<AgentRecord> admin = view.agent(ADMIN);
            if (rotate) {
                if (admin.isEmpty() || admin.get().revoked() || admin.get().role() != Role.ADMIN) {
                    System.err.println("admin: there is no usable agent '" + ADMIN + "' with role admin to rotate; run without --rotate");
                    return 1;
                }
                issued = actions.rotateKey(ADMIN, ADMIN, Duration.ZERO);
            } else if (admin.isPresent()) {
                System.err.println("admin: agent '" + ADMIN + "' exists but is revoked or no longer an admin, and no other admin"
                        + " exists; restore it from the identity topic's history or name another admin by hand");
                return 1;
            } else {
                issued = actions.createAgent(ADMIN, ADMIN, Role.ADMIN);
            }
            write(keyFile, issued.key().text());
            System.out.println(issued.key().text());
            System.err.println("admin: the key of agent '" + ADMIN + "' (role admin) is above and in " + keyFile
                    + " (mode 0600); it is shown only this once. ./kyoyu agents … uses it.");
            return 0;
        }
    }

    /** Written whole or not at all, readable by its owner only from the first byte. */
    static void write(Path keyFile, String key) {
        try {
            Files.createDirectories(keyFile.getParent());
            Path temp = Files.createTempFile(keyFile.getParent(), KEY_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, key + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
