package dev.kyoyu.system.deploy.k8s;

import dev.kyoyu.system.deploy.Checkout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the manifest test reads from the rest of the checkout: where deploy/k8s is, the image tag, the topic's partitions. */
final class ManifestInputs {
    static final Path ROOT = Checkout.ROOT;
    static final Path K8S = ROOT.resolve("deploy/k8s");

    private ManifestInputs() {
    }

    /**
     * The tag every Kyoyu image is pinned to: the parent pom's version without -SNAPSHOT (0.1.0-SNAPSHOT builds
     * kyoyu/ingest-api:0.1.0, the tag docker-compose.yml runs too).
     */
    static String imageTag() {
        return projectVersion().replaceFirst("-SNAPSHOT$", "");
    }

    private static String projectVersion() {
        Matcher m = Pattern.compile("<artifactId>kyoyu-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(read("pom.xml"));
        if (!m.find()) {
            throw new IllegalStateException("pom.xml: no version after <artifactId>kyoyu-parent</artifactId>");
        }
        return m.group(1);
    }

    /** The partitions deploy/local/kafka.sh creates kyoyu.events.v1 with ("kyoyu.events.v1:6" in its topic list). */
    static int eventsPartitions() {
        Matcher m = Pattern.compile("\"kyoyu\\.events\\.v1:(\\d+)\"").matcher(read("deploy/local/kafka.sh"));
        if (!m.find()) {
            throw new IllegalStateException("deploy/local/kafka.sh: no \"kyoyu.events.v1:<partitions>\" in its topic list");
        }
        return Integer.parseInt(m.group(1));
    }

    private static String read(String file) {
        try {
            return Files.readString(ROOT.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
