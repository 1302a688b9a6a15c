package dev.cagent;

import java.util.Objects;

/** The agent's own hidden user account, as {@code dscl} records it. */
public record UserAccount(String name, String realName, IdRequest uid, PrimaryGroup primaryGroup,
                          String shell, String home, boolean hidden, Password password) implements Step {

    public UserAccount {
        Names.checkShortName("user name", name);
        Names.checkRealName("realName", realName);
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(primaryGroup, "primaryGroup");
        MacPaths.check("shell", shell);
        MacPaths.check("home", home);
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String describe() {
        return "user " + name;
    }
}
