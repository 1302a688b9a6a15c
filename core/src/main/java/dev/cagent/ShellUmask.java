package dev.cagent;

import java.util.Objects;

/** A marked {@code umask} block in the human's shell startup file (e.g. {@code ~/.zshrc}). */
public record ShellUmask(String file, String owner, Umask umask) implements Step {

    /** The first line of the block cagent adds; undo removes from it to {@link #BLOCK_END}. */
    public static final String BLOCK_START = "# >>> cagent: keep files shared with the agent group-writable >>>";
    public static final String BLOCK_END = "# <<< cagent <<<";

    public ShellUmask {
        MacPaths.check("umask file", file);
        Names.checkShortName("umask file owner", owner);
        Objects.requireNonNull(umask, "umask");
    }

    /** The exact lines apply adds, newline-terminated. */
    public String block() {
        return BLOCK_START + "\n" + "umask " + umask.octal() + "\n" + BLOCK_END + "\n";
    }

    @Override
    public String describe() {
        return "umask " + umask + " in " + file;
    }
}
