package dev.cagent.macos;

import dev.cagent.MacPaths;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where cagent keeps what it must remember on the Mac: root-owned, writable by root alone, out
 * of the agent's reach. {@code ROOT/AGENT/journal.jsonl} and {@code ROOT/AGENT/backups/}.
 */
record StateFiles(String root, String agent) {

    static final String DEFAULT_ROOT = "/private/var/db/cagent";

    /**
     * The record is readable by everyone (it holds paths, names and digests, nothing secret):
     * under the administrator prompt cagent reads the machine without privilege, and must still
     * find what earlier applies did.
     */
    static final int RECORD_DIRECTORY_MODE = 0755;

    /**
     * Backups are copies of files other accounts may not read: written by root alone, readable
     * by administrators (who could read the originals through sudo anyway), so that a rollback
     * or undo under the administrator prompt can read what it must put back. New backups take the
     * directory's group, as files on macOS do.
     */
    static final int BACKUP_DIRECTORY_MODE = 0750;
    static final String BACKUP_GROUP = "admin";

    StateFiles {
        MacPaths.check("state directory", root);
    }

    String agentDirectory() {
        return root + "/" + agent;
    }

    String journal() {
        return agentDirectory() + "/journal.jsonl";
    }

    String backups() {
        return agentDirectory() + "/backups";
    }

    /** A backup's path: the file's name plus a digest of its full path, so backups of different files never collide. */
    String backupOf(String path) {
        String name = MacPaths.name(path).replaceAll("^\\.+", "");
        if (name.length() > 100) {
            name = name.substring(0, 100);
        }
        return backups() + "/" + (name.isEmpty() ? "file" : name) + "." + digest(path).substring(0, 12) + ".bak";
    }

    /**
     * The backup of one version of a file: {@link #backupOf(String)}'s name with the content's
     * digest, so that the backups of successive versions never overwrite one another.
     */
    String backupOf(String path, String content) {
        String plain = backupOf(path);
        return plain.substring(0, plain.length() - ".bak".length()) + "." + digest(content).substring(0, 12) + ".bak";
    }

    static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
