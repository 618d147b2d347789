package dev.kyoyu.service.auth;

import java.util.regex.Pattern;

/** Agent ids are Kafka record keys and path segments: short, printable, no spaces or slashes. */
public final class AgentIds {
    private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$");

    private AgentIds() {
    }

    public static boolean isValid(String agentId) {
        return agentId != null && VALID.matcher(agentId).matches();
    }

    public static String rule() {
        return "1-128 characters of letters, digits and . _ : @ -, starting with a letter or digit";
    }
}
