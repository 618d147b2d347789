package dev.kyoyu.testsupport.generative;

/**
 * What became of one generated input. The rule it is held to: refused at the door with a 4xx naming
 * the field, or stored, or dead-lettered with a reason; never a 5xx, never silently nowhere.
 *
 * @param outcome e.g. {@code refused}, {@code stored}, {@code dead-lettered}, {@code refused+stored}; for a
 *                finding what went wrong: {@code 5xx}, {@code unnamed refusal}, {@code lost}, {@code leak}, {@code no answer}
 */
public record Verdict(boolean ok, String outcome, String detail) {
    public static Verdict ok(String outcome) {
        return new Verdict(true, outcome, "");
    }

    public static Verdict finding(String outcome, String detail) {
        return new Verdict(false, outcome, detail);
    }

    @Override
    public String toString() {
        return outcome + (detail.isEmpty() ? "" : ": " + detail);
    }
}
