package dev.cagent;

/** The agent's home directory: created locally, owned by the agent and its primary group. */
public record HomeDirectory(String path, String owner, int mode) implements Step {

    public HomeDirectory {
        MacPaths.check("home", path);
        Names.checkShortName("home owner", owner);
        Modes.check("homeMode", mode);
    }

    @Override
    public String describe() {
        return "home " + path;
    }

    @Override
    public String toString() {
        return "HomeDirectory[path=" + path + ", owner=" + owner + ", mode=" + Modes.octal(mode) + "]";
    }
}
