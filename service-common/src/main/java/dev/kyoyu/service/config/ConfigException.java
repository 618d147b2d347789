package dev.kyoyu.service.config;

import java.util.List;

/** Startup configuration is wrong; the message lists every problem. */
public final class ConfigException extends RuntimeException {
    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
}
