package dev.cagent.testkit;

import dev.cagent.Secret;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * {@code /usr/bin/dscl} on the local node ({@code .}): {@code -read} (plain and {@code -plist}),
 * {@code -list}, {@code -create}, {@code -append}, {@code -merge}, {@code -delete},
 * {@code -passwd}, and the quiet stdin mode ({@code dscl -q .}) that always exits 0.
 * Failures print {@code <dscl_cmd> DS Error: CODE (NAME)} and exit with the code modulo 256.
 */
final class Dscl {

    /** Directory Services errors, with the exit status dscl derives from them. */
    enum DsError {
        RECORD_NOT_FOUND(-14136, "eDSRecordNotFound"),
        RECORD_ALREADY_EXISTS(-14135, "eDSRecordAlreadyExists"),
        // (unverified) the code for deleting an attribute the record does not have
        ATTRIBUTE_NOT_FOUND(-14134, "eDSAttributeNotFound"),
        PERMISSION(-14120, "eDSPermissionError"),
        // (unverified) a wrong old password given to -passwd
        AUTH_FAILED(-14090, "eDSAuthFailed");

        private final int code;
        private final String name;

        DsError(int code, String name) {
            this.code = code;
            this.name = name;
        }

        Outcome outcome() {
            return Outcome.fail(-code % 256, "<dscl_cmd> DS Error: " + code + " (" + name + ")\n");
        }
    }

    private static final String PLIST_HEAD = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
            """;
    private static final String PLIST_TAIL = "</dict>\n</plist>\n";

    private final Machine machine;

    Dscl(Machine machine) {
        this.machine = machine;
    }

    private DirectoryServices ds() {
        return machine.directory;
    }

    Outcome run(Proc process, List<String> argv) {
        int i = 1;
        boolean plist = false;
        boolean quiet = false;
        while (i < argv.size() && (argv.get(i).equals("-plist") || argv.get(i).equals("-q"))) {
            plist |= argv.get(i).equals("-plist");
            quiet |= argv.get(i).equals("-q");
            i++;
        }
        if (i >= argv.size() || !argv.get(i).equals(".")) {
            throw new Unsupported("only the local node '.' is modelled");
        }
        List<String> command = argv.subList(i + 1, argv.size());
        if (command.isEmpty()) {
            if (!quiet) {
                throw new Unsupported("interactive dscl needs -q");
            }
            return interactive(process, argv, plist);
        }
        return command(process, command, plist);
    }

    /**
     * Commands read from stdin, one per line, tokenised with quotes and backslashes. dscl exits 0
     * whatever happens; failures only show on stderr. A line the fake does not model fails loudly,
     * naming only the command word (the rest may be a password).
     */
    private Outcome interactive(Proc process, List<String> argv, boolean plist) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        String[] lines = process.stdin().split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            List<String> tokens = tokenize(lines[n]);
            if (tokens == null) {
                return Machine.unsupported(argv, "unbalanced quotes on stdin line " + (n + 1));
            }
            if (tokens.isEmpty()) {
                continue;
            }
            Outcome outcome;
            try {
                outcome = command(process, tokens, plist);
            } catch (Unsupported e) {
                return Machine.unsupported(argv, "stdin line " + (n + 1) + ": command '" + tokens.get(0) + "'");
            }
            out.append(outcome.out());
            err.append(outcome.err());
        }
        return new Outcome(0, out.toString(), err.toString());
    }

    /** Splits on blanks; {@code '...'} and {@code "..."} quote, a backslash escapes the next character. Null if a quote is open. */
    static List<String> tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && quote != '\'') {
                token.append(line.charAt(++i));
                inToken = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    token.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inToken = true;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                if (inToken) {
                    tokens.add(token.toString());
                    token.setLength(0);
                    inToken = false;
                }
            } else {
                token.append(c);
                inToken = true;
            }
        }
        if (quote != 0) {
            return null;
        }
        if (inToken) {
            tokens.add(token.toString());
        }
        return tokens;
    }

    private Outcome command(Proc process, List<String> command, boolean plist) {
        String verb = command.get(0).startsWith("-") ? command.get(0).substring(1) : command.get(0);
        List<String> args = command.subList(1, command.size());
        return switch (verb) {
            case "read" -> read(process, args, plist);
            case "list" -> list(args);
            case "create", "append", "merge", "delete", "passwd" -> write(process, verb, args);
            default -> throw new Unsupported();
        };
    }

    private record RecordPath(DirectoryServices.Kind kind, String name) {
    }

    private static RecordPath recordPath(String path) {
        int slash = path.indexOf('/', 1);
        Optional<DirectoryServices.Kind> kind = DirectoryServices.Kind.ofFolder(slash < 0 ? path : path.substring(0, slash));
        if (kind.isEmpty() || slash < 0 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
            throw new Unsupported("record paths look like /Users/NAME or /Groups/NAME");
        }
        return new RecordPath(kind.get(), path.substring(slash + 1));
    }

    // --- reads -------------------------------------------------------------------------------

    /** Read by root alone: a user's password hash ({@code dscl . -read} as anyone else leaves it out). */
    private static final String ROOT_ONLY = DirectoryServices.fullKey("ShadowHashData");

    private Outcome read(Proc process, List<String> args, boolean plist) {
        if (args.isEmpty()) {
            throw new Unsupported();
        }
        RecordPath path = recordPath(args.get(0));
        Optional<TreeMap<String, List<String>>> record = ds().record(path.kind(), path.name());
        if (record.isEmpty()) {
            return DsError.RECORD_NOT_FOUND.outcome();
        }
        TreeMap<String, List<String>> shown = new TreeMap<>();
        StringBuilder err = new StringBuilder();
        if (args.size() == 1) {
            shown.putAll(record.get());
            if (!process.isRoot()) {
                shown.remove(ROOT_ONLY);
            }
        } else {
            for (String key : args.subList(1, args.size())) {
                List<String> values = record.get().get(DirectoryServices.fullKey(key));
                if (values == null || !process.isRoot() && DirectoryServices.fullKey(key).equals(ROOT_ONLY)) {
                    // (unverified) the exit status of a read that names a missing key
                    err.append("No such key: ").append(key).append('\n');
                } else {
                    shown.put(DirectoryServices.fullKey(key), values);
                }
            }
        }
        return new Outcome(0, plist ? plist(shown) : plain(shown), err.toString());
    }

    /** {@code Key: v1 v2}, or the key alone and one indented line per value when any value has a blank. */
    static String plain(Map<String, List<String>> attributes) {
        StringBuilder out = new StringBuilder();
        attributes.forEach((fullKey, values) -> {
            String key = fullKey.startsWith(DirectoryServices.STANDARD) ? DirectoryServices.shortKey(fullKey) : fullKey;
            out.append(key).append(':');
            if (values.stream().anyMatch(v -> v.contains(" "))) {
                values.forEach(v -> out.append("\n ").append(v));
            } else {
                values.forEach(v -> out.append(' ').append(v));
            }
            out.append('\n');
        });
        return out.toString();
    }

    static String plist(Map<String, List<String>> attributes) {
        StringBuilder out = new StringBuilder(PLIST_HEAD);
        attributes.forEach((key, values) -> {
            out.append("\t<key>").append(xml(key)).append("</key>\n");
            if (values.isEmpty()) {
                out.append("\t<array/>\n");
            } else {
                out.append("\t<array>\n");
                values.forEach(v -> out.append("\t\t<string>").append(xml(v)).append("</string>\n"));
                out.append("\t</array>\n");
            }
        });
        return out.append(PLIST_TAIL).toString();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * {@code -list /Users} prints the names; {@code -list /Users KEY} the records having KEY, the
     * name left-justified in a column three wider than the longest name (column width unverified:
     * parse by blanks), then the values separated by blanks.
     */
    private Outcome list(List<String> args) {
        if (args.isEmpty() || args.size() > 2) {
            throw new Unsupported();
        }
        DirectoryServices.Kind kind = DirectoryServices.Kind.ofFolder(args.get(0))
                .orElseThrow(() -> new Unsupported("only /Users and /Groups are listed"));
        TreeMap<String, TreeMap<String, List<String>>> records = ds().all(kind);
        StringBuilder out = new StringBuilder();
        if (args.size() == 1) {
            records.keySet().forEach(name -> out.append(name).append('\n'));
            return Outcome.ok(out.toString());
        }
        String key = DirectoryServices.fullKey(args.get(1));
        int width = records.keySet().stream().mapToInt(String::length).max().orElse(0) + 3;
        records.forEach((name, record) -> {
            List<String> values = record.get(key);
            if (values != null) {
                out.append(String.format("%-" + width + "s", name)).append(String.join(" ", values)).append('\n');
            }
        });
        return Outcome.ok(out.toString());
    }

    // --- writes ------------------------------------------------------------------------------

    private Outcome write(Proc process, String verb, List<String> args) {
        if (args.isEmpty()) {
            throw new Unsupported();
        }
        RecordPath path = recordPath(args.get(0));
        List<String> rest = args.subList(1, args.size());
        if (verb.equals("passwd")) {
            return passwd(process, path, rest);
        }
        if (verb.equals("create") && rest.isEmpty()) {
            if (!process.isRoot()) {
                return DsError.PERMISSION.outcome();
            }
            if (ds().record(path.kind(), path.name()).isEmpty()) {
                ds().create(path.kind(), path.name());
            }
            return Outcome.ok("");
        }
        if (rest.isEmpty() && !verb.equals("delete") || !rest.isEmpty() && rest.get(0).matches("(dsAttrTypeStandard:)?RecordName")) {
            throw new Unsupported(rest.isEmpty() ? "-" + verb + " needs a key" : "renaming a record is not modelled");
        }
        if (!process.isRoot()) {
            return DsError.PERMISSION.outcome();
        }
        Optional<TreeMap<String, List<String>>> found = ds().record(path.kind(), path.name());
        if (found.isEmpty()) {
            return DsError.RECORD_NOT_FOUND.outcome();
        }
        TreeMap<String, List<String>> record = found.get();
        if (verb.equals("delete")) {
            return delete(path, record, rest);
        }
        String key = DirectoryServices.fullKey(rest.get(0));
        List<String> values = rest.subList(1, rest.size());
        if (path.kind() == DirectoryServices.Kind.USERS && key.equals(DirectoryServices.STANDARD + "UniqueID")) {
            for (String value : values) {
                OptionalInt uid = parseInt(value);
                if (uid.isPresent() && ds().userHolding(uid.getAsInt(), path.name()).isPresent()) {
                    return DsError.RECORD_ALREADY_EXISTS.outcome();
                }
            }
        }
        List<String> current = record.computeIfAbsent(key, k -> new ArrayList<>());
        switch (verb) {
            case "create" -> {
                current.clear();
                current.addAll(values);
            }
            case "append" -> current.addAll(values);
            default -> values.stream().filter(v -> !current.contains(v)).forEach(current::add);
        }
        return Outcome.ok("");
    }

    private Outcome delete(RecordPath path, TreeMap<String, List<String>> record, List<String> rest) {
        if (rest.isEmpty()) {
            ds().delete(path.kind(), path.name());
            return Outcome.ok("");
        }
        String key = DirectoryServices.fullKey(rest.get(0));
        if (!record.containsKey(key)) {
            return DsError.ATTRIBUTE_NOT_FOUND.outcome();
        }
        if (rest.size() == 1) {
            record.remove(key);
        } else {
            // (unverified) removing a value the attribute lacks is taken as success
            record.get(key).removeAll(rest.subList(1, rest.size()));
        }
        return Outcome.ok("");
    }

    /** {@code -passwd PATH NEW} (root) or {@code -passwd PATH OLD NEW} (the user, knowing the old one). */
    private Outcome passwd(Proc process, RecordPath path, List<String> passwords) {
        if (path.kind() != DirectoryServices.Kind.USERS || passwords.isEmpty() || passwords.size() > 2
                || passwords.stream().anyMatch(String::isEmpty)) {
            throw new Unsupported();
        }
        if (ds().record(path.kind(), path.name()).isEmpty()) {
            return DsError.RECORD_NOT_FOUND.outcome();
        }
        if (!process.isRoot()) {
            if (passwords.size() == 1 || !process.user().equals(path.name())) {
                return DsError.PERMISSION.outcome();
            }
            if (!ds().passwordMatches(path.name(), passwords.get(0))) {
                return DsError.AUTH_FAILED.outcome();
            }
        }
        ds().setPassword(path.name(), Secret.of(passwords.get(passwords.size() - 1)));
        return Outcome.ok("");
    }

    private static OptionalInt parseInt(String value) {
        try {
            return OptionalInt.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
