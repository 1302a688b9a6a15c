package dev.cagent.testkit;

import java.util.List;

/**
 * What a program prints when the kernel refuses with EPERM (SIP, or a scripted
 * {@link Fault#operationNotPermitted()}): each program words it its own way.
 */
final class OperationNotPermittedText {

    private static final String EPERM = "Operation not permitted";

    private OperationNotPermittedText() {
    }

    static String of(List<String> argv) {
        List<String> command = Privileges.withoutSudo(argv);
        String program = command.get(0);
        List<String> paths = command.subList(1, command.size()).stream().filter(a -> a.startsWith("/")).toList();
        String name = program.substring(program.lastIndexOf('/') + 1);
        StringBuilder text = new StringBuilder();
        switch (program) {
            case "/bin/chmod" -> {
                boolean acl = command.stream().anyMatch(a -> a.matches("[+-]a#?"));
                for (String path : paths) {
                    text.append(acl ? chmodAcl(path) : chmodMode(path)).append('\n');
                }
            }
            case "/usr/sbin/chown" -> paths.forEach(path -> text.append(simple("chown", path)).append('\n'));
            case "/bin/mv" -> text.append(paths.size() == 2 ? rename(paths.get(0), paths.get(1)) : simple(name, null)).append('\n');
            default -> text.append(simple(name, paths.isEmpty() ? null : paths.get(paths.size() - 1))).append('\n');
        }
        return text.length() == 0 ? simple(name, null) + "\n" : text.toString();
    }

    static String chmodAcl(String path) {
        return "chmod: Failed to set ACL on file '" + path + "': " + EPERM;
    }

    static String chmodMode(String path) {
        return "chmod: Unable to change file mode on " + path + ": " + EPERM;
    }

    static String rename(String from, String to) {
        return "mv: rename " + from + " to " + to + ": " + EPERM;
    }

    private static String simple(String program, String path) {
        return program + ": " + (path == null ? "" : path + ": ") + EPERM;
    }
}
