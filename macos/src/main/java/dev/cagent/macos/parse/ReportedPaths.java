package dev.cagent.macos.parse;

import java.util.ArrayList;
import java.util.List;

/** Paths named in the per-operand complaints a file tool prints on stderr while it goes on with the others. */
final class ReportedPaths {

    private ReportedPaths() {
    }

    /** The PATH of every stderr line that reads exactly {@code prefix + PATH + suffix}, in order. */
    static List<String> find(String stderr, String prefix, String suffix) {
        List<String> paths = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.length() > prefix.length() + suffix.length() && line.startsWith(prefix) && line.endsWith(suffix)) {
                paths.add(line.substring(prefix.length(), line.length() - suffix.length()));
            }
        }
        return List.copyOf(paths);
    }
}
