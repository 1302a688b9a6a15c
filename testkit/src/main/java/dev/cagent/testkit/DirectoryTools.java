package dev.cagent.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/** {@code dseditgroup}, {@code createhomedir} and {@code dscacheutil}. */
final class DirectoryTools {

    /** The folders macOS's user template gives every home; Public alone is readable by others. */
    static final List<String> HOME_FOLDERS = List.of("Desktop", "Documents", "Downloads", "Library", "Movies", "Music", "Pictures", "Public");

    private final Machine machine;

    DirectoryTools(Machine machine) {
        this.machine = machine;
    }

    private DirectoryServices ds() {
        return machine.directory;
    }

    /**
     * {@code dseditgroup -o create [-i GID] NAME}, {@code -o edit -a|-d USER -t user NAME},
     * {@code -o delete [-q] NAME}, {@code -o checkmember -m USER NAME}. The error texts and codes
     * other than checkmember's and the taken GID's are unverified.
     */
    Outcome dseditgroup(Proc process, List<String> argv) {
        Map<String, String> options = new HashMap<>();
        int i = 1;
        while (i < argv.size() - 1) {
            String option = argv.get(i);
            if (option.equals("-q")) {
                options.put(option, "");
                i++;
            } else if (List.of("-o", "-i", "-a", "-d", "-t", "-m").contains(option) && i + 1 < argv.size() - 1) {
                options.put(option, argv.get(i + 1));
                i += 2;
            } else {
                throw new Unsupported();
            }
        }
        if (i != argv.size() - 1 || argv.get(i).startsWith("-")) {
            throw new Unsupported();
        }
        String group = argv.get(i);
        String operation = options.getOrDefault("-o", "");
        boolean write = !operation.equals("checkmember");
        if (write && !process.isRoot()) {
            return Outcome.fail(64, "Username and password must be provided.\n");
        }
        return switch (operation) {
            case "create" -> create(options, group);
            case "edit" -> edit(options, group);
            case "delete" -> delete(options, group);
            case "checkmember" -> checkMember(options, group);
            default -> throw new Unsupported();
        };
    }

    private static void allow(Map<String, String> options, String... allowed) {
        List<String> known = new ArrayList<>(List.of("-o"));
        known.addAll(List.of(allowed));
        if (!known.containsAll(options.keySet())) {
            throw new Unsupported();
        }
    }

    private Outcome create(Map<String, String> options, String group) {
        allow(options, "-i", "-q");
        if (ds().record(DirectoryServices.Kind.GROUPS, group).isPresent()) {
            return Outcome.fail(1, "Group already exists.\n");
        }
        int gid;
        if (options.containsKey("-i")) {
            if (!options.get("-i").matches("-?[0-9]+")) {
                throw new Unsupported("-i needs a number");
            }
            gid = Integer.parseInt(options.get("-i"));
            if (ds().groupName(gid).isPresent()) {
                // (unverified) the exit status of a taken GID
                return Outcome.fail(1, "GID already exists\n");
            }
        } else {
            gid = 501;
            while (ds().groupName(gid).isPresent()) {
                gid++;
            }
        }
        TreeMap<String, List<String>> record = ds().create(DirectoryServices.Kind.GROUPS, group);
        DirectoryServices.put(record, "PrimaryGroupID", Integer.toString(gid));
        DirectoryServices.put(record, "RealName", group);
        DirectoryServices.put(record, "Password", "*");
        if (!record.containsKey(DirectoryServices.STANDARD + "GeneratedUID")) {
            DirectoryServices.put(record, "GeneratedUID", ds().newUuid(DirectoryServices.Kind.GROUPS, group));
        }
        return Outcome.ok("");
    }

    private Outcome edit(Map<String, String> options, String group) {
        allow(options, "-a", "-d", "-t");
        boolean add = options.containsKey("-a");
        if (add == options.containsKey("-d") || !"user".equals(options.get("-t"))) {
            throw new Unsupported("give one of -a/-d USER with -t user");
        }
        String user = options.get(add ? "-a" : "-d");
        Optional<TreeMap<String, List<String>>> record = ds().record(DirectoryServices.Kind.GROUPS, group);
        if (record.isEmpty()) {
            return groupNotFound();
        }
        if (ds().record(DirectoryServices.Kind.USERS, user).isEmpty()) {
            return userNotFound(user);
        }
        if (add) {
            ds().addMember(group, user);
        } else {
            ds().removeMember(group, user);
        }
        return Outcome.ok("");
    }

    private Outcome delete(Map<String, String> options, String group) {
        allow(options, "-q");
        if (ds().record(DirectoryServices.Kind.GROUPS, group).isEmpty()) {
            return groupNotFound();
        }
        ds().delete(DirectoryServices.Kind.GROUPS, group);
        return Outcome.ok("");
    }

    /** Explicit membership only: a user whose primary group this is is not a member. */
    private Outcome checkMember(Map<String, String> options, String group) {
        allow(options, "-m");
        String user = options.get("-m");
        if (user == null) {
            throw new Unsupported();
        }
        if (ds().record(DirectoryServices.Kind.GROUPS, group).isEmpty()) {
            return groupNotFound();
        }
        if (ds().record(DirectoryServices.Kind.USERS, user).isEmpty()) {
            return userNotFound(user);
        }
        return ds().isMember(user, group)
                ? Outcome.ok("yes " + user + " is a member of " + group + "\n")
                : new Outcome(67, "no " + user + " is NOT a member of " + group + "\n", "");
    }

    private static Outcome groupNotFound() {
        return Outcome.fail(64, "Group not found.\n");
    }

    private static Outcome userNotFound(String user) {
        return Outcome.fail(64, "User not found: " + user + "\n");
    }

    /**
     * {@code createhomedir -c -u NAME}: makes the user's NFSHomeDirectory from the user template
     * when it is missing. It exits 0 whenever it runs as root, even when it made nothing.
     */
    Outcome createhomedir(Proc process, List<String> argv) {
        if (argv.size() != 4 || !argv.get(1).equals("-c") || !argv.get(2).equals("-u")) {
            throw new Unsupported();
        }
        if (!process.isRoot()) {
            // (unverified) text and status for a caller that is not root
            return Outcome.fail(1, "createhomedir: must be run as root\n");
        }
        String user = argv.get(3);
        // (unverified) the progress line createhomedir prints
        Outcome done = Outcome.ok("creating home directories for (" + user + ")\n");
        Optional<TreeMap<String, List<String>>> record = ds().record(DirectoryServices.Kind.USERS, user);
        if (machine.faults.homeDirCreationDisabled() || record.isEmpty()) {
            return done;
        }
        Optional<String> home = DirectoryServices.first(record.get(), "NFSHomeDirectory");
        OptionalInt uid = DirectoryServices.number(record.get(), "UniqueID");
        int gid = DirectoryServices.number(record.get(), "PrimaryGroupID").orElse(20);
        if (home.isEmpty() || uid.isEmpty() || !home.get().startsWith("/")) {
            return done;
        }
        FileTree.Lookup lookup = machine.files.lookup(null, home.get(), true);
        if (lookup.error() == null && lookup.node() == null && lookup.parent().isDirectory() && !lookup.parent().restricted) {
            makeHome(lookup.parent(), lookup.name(), uid.getAsInt(), gid);
        }
        return done;
    }

    /** A home as the user template makes it: 0750, {@code group:everyone deny delete}, the standard folders. */
    static Node makeHome(Node parent, String name, int uid, int gid) {
        Node home = Node.directory(uid, gid, 0750);
        home.acl.add(everyoneDenyDelete());
        parent.children.put(name, home);
        for (String folder : HOME_FOLDERS) {
            Node child = Node.directory(uid, gid, folder.equals("Public") ? 0755 : 0700);
            child.acl.add(everyoneDenyDelete());
            home.children.put(folder, child);
        }
        return home;
    }

    private static Ace everyoneDenyDelete() {
        return new Ace(DirectoryServices.EVERYONE_UUID, false, java.util.EnumSet.of(dev.cagent.AclRight.DELETE),
                java.util.EnumSet.noneOf(Ace.Flag.class), false);
    }

    Outcome dscacheutil(Proc process, List<String> argv) {
        if (argv.size() != 2 || !argv.get(1).equals("-flushcache")) {
            throw new Unsupported();
        }
        return Outcome.ok("");
    }
}
