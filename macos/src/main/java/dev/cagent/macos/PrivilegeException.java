package dev.cagent.macos;

/**
 * cagent could not get root the way its {@link Privilege} strategy says, and stopped before
 * changing anything: no sudo ticket for {@code sudo -n}, a password sudo refused, a caller sudo
 * does not allow, or {@code alreadyRoot()} when the process is not root. The message says which,
 * and how to fix it; it never holds a password.
 */
public class PrivilegeException extends IllegalStateException {

    public PrivilegeException(String message) {
        super(message);
    }
}
