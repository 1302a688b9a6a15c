package dev.cagent.lint;

import java.util.Objects;

/** One thing lint found: which rule, about what, why it matters, and how to fix it. */
public record Finding(Rule rule, String subject, String message, String fix) {

    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    public String code() {
        return rule.name();
    }

    public Severity severity() {
        return rule.severity();
    }

    @Override
    public String toString() {
        return severity() + " " + code() + " [" + subject + "]: " + message + "\n    fix: " + fix;
    }
}
