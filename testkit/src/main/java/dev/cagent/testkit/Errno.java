package dev.cagent.testkit;

/** The kernel errors the fake's commands report, with the text {@code strerror} gives on macOS. */
enum Errno {
    EPERM("Operation not permitted"),
    ENOENT("No such file or directory"),
    EACCES("Permission denied"),
    EEXIST("File exists"),
    ENOTDIR("Not a directory"),
    EISDIR("Is a directory"),
    EINVAL("Invalid argument"),
    ELOOP("Too many levels of symbolic links"),
    ENAMETOOLONG("File name too long"),
    ENOTEMPTY("Directory not empty");

    private final String text;

    Errno(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }
}
