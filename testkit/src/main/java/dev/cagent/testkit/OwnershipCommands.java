package dev.cagent.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * {@code chmod} (octal modes and {@code +a}/{@code -a} ACL edits) and {@code chown}, with the
 * symbolic-link behaviour of macOS: an operand link is followed unless {@code -h}; under
 * {@code -R} the walk does not descend through links, but chmod applies itself to each link's
 * target (even outside the tree) while chown changes the link itself.
 */
final class OwnershipCommands {

    private static final Pattern OCTAL_MODE = Pattern.compile("[0-7]{1,4}");

    private final Machine machine;

    OwnershipCommands(Machine machine) {
        this.machine = machine;
    }

    private FileTree files() {
        return machine.files;
    }

    /** The {@code -R} and {@code -h} flags chmod and chown share, and where the operands begin. */
    private record Flags(boolean recursive, boolean noFollow, int next) {
        static Flags of(List<String> argv) {
            boolean recursive = false;
            boolean noFollow = false;
            int i = 1;
            for (; i < argv.size() && argv.get(i).matches("-[Rh]+"); i++) {
                recursive |= argv.get(i).contains("R");
                noFollow |= argv.get(i).contains("h");
            }
            if (i + 1 >= argv.size()) {
                throw new Unsupported();
            }
            return new Flags(recursive, noFollow, i);
        }
    }

    /** One change to one object; returns the line to print on failure, or null. */
    private interface Change {
        String apply(String path, Node node);
    }

    Outcome chmod(Proc process, List<String> argv) {
        Flags flags = Flags.of(argv);
        boolean recursive = flags.recursive();
        boolean noFollow = flags.noFollow();
        int i = flags.next();
        String operation = argv.get(i);
        int operandsFrom = i + 1;
        Change change;
        if (operation.equals("+a") || operation.equals("-a") || operation.equals("+a#")) {
            int position = -1;
            if (operation.equals("+a#")) {
                if (i + 3 >= argv.size() || !argv.get(i + 1).matches("[0-9]+")) {
                    throw new Unsupported();
                }
                position = Integer.parseInt(argv.get(++i));
            }
            if (i + 2 >= argv.size()) {
                throw new Unsupported();
            }
            Ace entry;
            try {
                entry = Acl.parse(argv.get(i + 1), machine.directory::resolvePrincipal);
            } catch (Acl.BadEntry e) {
                return Outcome.fail(1, "chmod: " + e.getMessage() + "\n");
            }
            operandsFrom = i + 2;
            int at = position;
            change = operation.equals("-a") ? (path, node) -> removeEntry(process, path, node, entry)
                    : (path, node) -> addEntry(process, path, node, entry, at);
        } else if (operation.equals("-a#")) {
            if (i + 2 >= argv.size() || !argv.get(i + 1).matches("[0-9]+")) {
                throw new Unsupported();
            }
            int index = Integer.parseInt(argv.get(i + 1));
            operandsFrom = i + 2;
            change = (path, node) -> removeIndex(process, path, node, index);
        } else if (OCTAL_MODE.matcher(operation).matches()) {
            int mode = Integer.parseInt(operation, 8);
            change = (path, node) -> {
                if (files().checkOwnerChange(process, node) != null) {
                    return OperationNotPermittedText.chmodMode(path);
                }
                node.mode = mode;
                return null;
            };
        } else {
            throw new Unsupported("only octal modes and +a/-a are modelled");
        }
        if (recursive && noFollow) {
            return Outcome.fail(1, "chmod: the -R and -h options may not be specified together.\n");
        }
        List<String> operands = argv.subList(operandsFrom, argv.size());
        // getopt stops at the mode or owner: what follows is an operand, whatever it starts with (find -execdir passes bare names)
        return applyAll(process, "chmod", operands, recursive, noFollow, true, change);
    }

    /**
     * +a: refused on a non-canonical ACL, else merged or inserted at the top of its canonical
     * block; +a# puts the entry at the given index, whatever the order.
     */
    private String addEntry(Proc process, String path, Node node, Ace entry, int position) {
        if (position < 0 && !Acl.isCanonical(node.acl)) {
            return "chmod: The specified file '" + path + "' does not have an ACL in canonical order, please specify a position with +a# ";
        }
        if (position > node.acl.size()) {
            throw new Unsupported("+a# past the end of the ACL is not modelled");
        }
        if (files().checkOwnerChange(process, node) != null) {
            return OperationNotPermittedText.chmodAcl(path);
        }
        List<Ace> acl = new ArrayList<>(position < 0 ? Acl.add(node.acl, entry) : node.acl);
        if (position >= 0) {
            acl.add(position, entry);
        }
        node.acl = acl;
        return null;
    }

    /** -a# N: the only way to remove an entry whose principal no longer exists. */
    private String removeIndex(Proc process, String path, Node node, int index) {
        if (node.acl.isEmpty()) {
            return "chmod: No ACL present '" + path + "'";
        }
        if (index >= node.acl.size()) {
            return "chmod: Invalid entry number '" + path + "'";
        }
        if (files().checkOwnerChange(process, node) != null) {
            return OperationNotPermittedText.chmodAcl(path);
        }
        node.acl.remove(index);
        return null;
    }

    private String removeEntry(Proc process, String path, Node node, Ace entry) {
        if (node.acl.isEmpty()) {
            return "chmod: No ACL present '" + path + "'";
        }
        Optional<List<Ace>> remaining = Acl.remove(node.acl, entry);
        if (remaining.isEmpty()) {
            return "chmod: Entry not found when attempting delete '" + path + "'";
        }
        if (files().checkOwnerChange(process, node) != null) {
            return OperationNotPermittedText.chmodAcl(path);
        }
        node.acl = new ArrayList<>(remaining.get());
        return null;
    }

    /**
     * {@code chown [-h] [-R] OWNER[:GROUP]|:GROUP PATH...}; names or numbers. Only root gives a
     * file away; an owner may change the group to one of his own groups. A change of owner or
     * group clears setuid and setgid, for root too (XNU's vnode_authattr), so a mode with them
     * is set after the chown.
     */
    Outcome chown(Proc process, List<String> argv) {
        Flags flags = Flags.of(argv);
        boolean recursive = flags.recursive();
        boolean noFollow = flags.noFollow();
        int i = flags.next();
        String spec = argv.get(i);
        int colon = spec.indexOf(':');
        String ownerName = colon < 0 ? spec : spec.substring(0, colon);
        String groupName = colon < 0 ? "" : spec.substring(colon + 1);
        if (ownerName.isEmpty() && groupName.isEmpty()) {
            throw new Unsupported();
        }
        OptionalInt uid = ownerName.isEmpty() ? OptionalInt.empty() : resolve(ownerName, machine.directory.uid(ownerName));
        if (!ownerName.isEmpty() && uid.isEmpty()) {
            return Outcome.fail(1, "chown: " + ownerName + ": illegal user name\n");
        }
        OptionalInt gid = groupName.isEmpty() ? OptionalInt.empty() : resolve(groupName, machine.directory.gid(groupName));
        if (!groupName.isEmpty() && gid.isEmpty()) {
            return Outcome.fail(1, "chown: " + groupName + ": illegal group name\n");
        }
        List<String> operands = argv.subList(i + 1, argv.size());
        // getopt stops at the mode or owner: what follows is an operand, whatever it starts with (find -execdir passes bare names)
        DirectoryServices.Identity identity = machine.directory.identity(process.user(), process.uid());
        Change change = (path, node) -> {
            int newUid = uid.orElse(node.uid);
            int newGid = gid.orElse(node.gid);
            boolean allowed = node.restricted ? false : process.isRoot()
                    || process.uid() == node.uid && newUid == node.uid
                    && (newGid == node.gid || newGid == identity.primaryGid() || identity.explicitGids().contains(newGid));
            if (!allowed) {
                return "chown: " + path + ": Operation not permitted";
            }
            if (newUid != node.uid || newGid != node.gid) {
                node.mode &= ~06000; // XNU clears setuid and setgid on every change of owner or group, even for root
            }
            node.uid = newUid;
            node.gid = newGid;
            return null;
        };
        return applyAll(process, "chown", operands, recursive, noFollow, false, change);
    }

    /** A name, or a number when no account has that name. */
    private static OptionalInt resolve(String name, OptionalInt byName) {
        if (byName.isPresent()) {
            return byName;
        }
        return name.matches("[0-9]+") ? OptionalInt.of(Integer.parseInt(name)) : OptionalInt.empty();
    }

    private Outcome applyAll(Proc process, String program, List<String> operands, boolean recursive, boolean noFollow,
                             boolean followLinksInTree, Change change) {
        Outcome.Builder result = new Outcome.Builder();
        for (String operand : operands) {
            FileTree.Lookup lookup = files().lookup(process, operand, !recursive && !noFollow);
            if (!lookup.found()) {
                result.error(1, program + ": " + operand + ": " + lookup.missing().text());
                continue;
            }
            if (!recursive) {
                report(result, change.apply(operand, lookup.node()));
                continue;
            }
            List<Map.Entry<String, Node>> tree = new ArrayList<>();
            FileTree.walk(operand, lookup.node(), (path, node) -> tree.add(Map.entry(path, node)));
            for (Map.Entry<String, Node> entry : tree) {
                Node node = entry.getValue();
                if (node.isLink() && followLinksInTree) {
                    FileTree.Lookup target = files().lookup(process, entry.getKey(), true);
                    if (!target.found()) {
                        result.error(1, program + ": " + entry.getKey() + ": " + target.missing().text());
                        continue;
                    }
                    node = target.node();
                }
                report(result, change.apply(entry.getKey(), node));
            }
        }
        return result.build();
    }

    private static void report(Outcome.Builder result, String failure) {
        if (failure != null) {
            result.error(1, failure);
        }
    }
}
