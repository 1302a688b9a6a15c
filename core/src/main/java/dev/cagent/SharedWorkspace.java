package dev.cagent;

/**
 * A directory tree both the human and the agent edit: owned by {@code owner:group}, directories
 * {@code directoryMode} (2770), plain files {@code fileMode} (660), files that were executable
 * {@code executableFileMode} (770), and, when {@code inheritableGroupAccess}, group allow entries
 * that every new file and directory inherits whatever its creator's umask.
 */
public record SharedWorkspace(String path, String owner, String group, int directoryMode, int fileMode,
                              int executableFileMode, boolean inheritableGroupAccess) implements Step {

    public SharedWorkspace {
        MacPaths.check("workspace", path);
        Names.checkShortName("workspace owner", owner);
        Names.checkShortName("workspace group", group);
        Modes.check("workspace directory mode", directoryMode);
        Modes.check("workspace file mode", fileMode);
        Modes.check("workspace executable file mode", executableFileMode);
    }

    @Override
    public String toString() {
        return "SharedWorkspace[path=" + path + ", owner=" + owner + ", group=" + group + ", directoryMode=" + Modes.octal(directoryMode)
                + ", fileMode=" + Modes.octal(fileMode) + ", executableFileMode=" + Modes.octal(executableFileMode)
                + ", inheritableGroupAccess=" + inheritableGroupAccess + "]";
    }

    @Override
    public String describe() {
        return "workspace " + path + " (" + owner + ":" + group + ")";
    }
}
