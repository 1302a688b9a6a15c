package dev.cagent;

import java.util.List;

/**
 * A Seatbelt profile for {@code /usr/bin/sandbox-exec}, the cage's second wall: programs the
 * launcher starts run under it, and the kernel refuses them what the profile does not allow,
 * whatever the ACLs miss. Root owns the file, so the agent cannot loosen it. The profile denies
 * everything, allows what shells and a coding agent need ({@link dev.cagent.seatbelt.SeatbeltPolicy}
 * says which and why), writes only in {@link #writableRoots()}, reads {@link #readablePaths()}
 * besides the system's, and repeats the plan's denies last, so that no allowance reopens them.
 * Every path is spelled the way the kernel matches it ({@code /private/tmp}, never {@code /tmp}).
 *
 * @param profileFile     where the profile lives (root-owned, mode 0644)
 * @param writableRoots   where programs may write and read: by default the agent's home, the
 *                        workspace, {@code /private/tmp} and {@code /private/var/folders}
 * @param readablePaths   where they may read besides the system's programs, libraries and settings
 * @param hiddenPaths     paths the plan denies search on: nothing in or below them can be read or written
 * @param unreadablePaths paths the plan denies reading: a directory's listing, a file's content
 * @param network         whether programs may use the network
 */
public record SeatbeltProfile(String profileFile, List<String> writableRoots, List<String> readablePaths,
                              List<String> hiddenPaths, List<String> unreadablePaths, boolean network) implements Step {

    /** The profile's file name in the agent's root-owned directory. */
    public static final String FILE_NAME = "seatbelt.sb";

    /** Shared temporary directories every agent needs: Claude Code keeps its files in /private/tmp/claude-UID, the C library its per-user ones below /private/var/folders. */
    public static final List<String> TEMPORARY_ROOTS = List.of("/private/tmp", "/private/var/folders");

    /**
     * Read by default besides the system: Homebrew's prefix on Apple silicon, where Claude Code,
     * node and jq usually live (Intel's /usr/local lies in /usr), and the directory of Claude
     * Code's managed settings, which apply to every user of the Mac.
     */
    public static final List<String> DEFAULT_READABLE = List.of("/opt/homebrew", "/Library/Application Support/ClaudeCode");

    public SeatbeltProfile {
        MacPaths.check("seatbelt profile file", profileFile);
        writableRoots = checked("seatbelt writable", writableRoots);
        readablePaths = checked("seatbelt readable", readablePaths);
        hiddenPaths = checked("seatbelt hidden", hiddenPaths);
        unreadablePaths = checked("seatbelt unreadable", unreadablePaths);
        writableRoots.forEach(SeatbeltProfile::refuseWholeDisk);
    }

    /** Refuses {@code /} as a writable root. */
    static void refuseWholeDisk(String root) {
        if (root.equals("/")) {
            throw new InvalidPlanException("seatbelt writable", "'/' would let the agent write the whole disk: name the directories it works in");
        }
    }

    private static List<String> checked(String field, List<String> paths) {
        if (paths == null) {
            throw new InvalidPlanException(field, "the list of paths is missing (null): give an empty list for none");
        }
        for (String path : paths) {
            String checked = MacPaths.check(field, path);
            if (!checked.equals(path) || !MacPaths.canonical(path).equals(path)) {
                throw new InvalidPlanException(field, "path " + Texts.visible(path) + " is not spelled the way the kernel matches it: write "
                        + Texts.visible(MacPaths.canonical(checked)));
            }
        }
        return List.copyOf(paths);
    }

    @Override
    public String describe() {
        return "Seatbelt profile " + profileFile;
    }
}
