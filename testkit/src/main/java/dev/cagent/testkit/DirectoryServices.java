package dev.cagent.testkit;

import dev.cagent.Secret;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The local Directory Services node ({@code /Local/Default}): user and group records, each a
 * sorted map from full attribute names ({@code dsAttrTypeStandard:UniqueID},
 * {@code dsAttrTypeNative:IsHidden}) to lists of strings, plus the shadow password hashes, kept
 * apart so that no read shows them.
 */
final class DirectoryServices {

    static final String STANDARD = "dsAttrTypeStandard:";
    static final String NATIVE = "dsAttrTypeNative:";
    static final String EVERYONE_UUID = "ABCDEFAB-CDEF-ABCD-EFAB-CDEF0000000C";
    static final String SHADOW_AUTHORITY = ";ShadowHash;HASHLIST:<SALTED-SHA512-PBKDF2,SRP-RFC5054-4096-SHA512-PBKDF2>";
    /** A password exists but is known to nobody: no candidate matches it. */
    private static final String UNKNOWN_PASSWORD = "unknown";

    /** Attribute names Directory Services knows as standard; every other name is native. */
    private static final Set<String> STANDARD_NAMES = Set.of(
            "RecordName", "RealName", "UniqueID", "PrimaryGroupID", "UserShell", "NFSHomeDirectory", "Password",
            "AuthenticationAuthority", "AuthenticationHint", "GeneratedUID", "GroupMembership", "GroupMembers",
            "NestedGroups", "RecordType", "Comment", "AppleMetaNodeLocation", "Picture", "JPEGPhoto",
            "PasswordPolicyOptions", "HomeDirectory", "EMailAddress", "FirstName", "LastName");

    /** The two record types the fake knows. */
    enum Kind {
        USERS("Users", "dsRecTypeStandard:Users", "FFFFEEEE-DDDD-CCCC-BBBB-AAAA"),
        GROUPS("Groups", "dsRecTypeStandard:Groups", "ABCDEFAB-CDEF-ABCD-EFAB-CDEF");

        private final String folder;
        private final String recordType;
        private final String wellKnownUuidPrefix;

        Kind(String folder, String recordType, String wellKnownUuidPrefix) {
            this.folder = folder;
            this.recordType = recordType;
            this.wellKnownUuidPrefix = wellKnownUuidPrefix;
        }

        String folder() {
            return folder;
        }

        /** Parses {@code /Users} or {@code /Groups}. */
        static Optional<Kind> ofFolder(String path) {
            for (Kind kind : values()) {
                if (path.equals("/" + kind.folder)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /** Who a process runs as, with what Directory Services knows about its groups. */
    record Identity(String name, int uid, String uuid, int primaryGid, Set<Integer> explicitGids, Set<String> explicitGroupUuids) {
    }

    private final Map<Kind, TreeMap<String, TreeMap<String, List<String>>>> records = Map.of(
            Kind.USERS, new TreeMap<>(), Kind.GROUPS, new TreeMap<>());
    private final TreeMap<String, String> shadowHashes = new TreeMap<>();

    private static final String SHADOW_HASH_DATA = "ShadowHashData";
    private final boolean generatedUidOnCreate;
    private int uuidSequence;

    DirectoryServices(boolean generatedUidOnCreate) {
        this.generatedUidOnCreate = generatedUidOnCreate;
    }

    /** {@code RealName} becomes {@code dsAttrTypeStandard:RealName}, {@code IsHidden} {@code dsAttrTypeNative:IsHidden}. */
    static String fullKey(String key) {
        if (key.startsWith(STANDARD) || key.startsWith(NATIVE)) {
            return key;
        }
        return (STANDARD_NAMES.contains(key) ? STANDARD : NATIVE) + key;
    }

    /** The attribute name without either prefix. */
    static String shortKey(String fullKey) {
        if (fullKey.startsWith(STANDARD)) {
            return fullKey.substring(STANDARD.length());
        }
        return fullKey.startsWith(NATIVE) ? fullKey.substring(NATIVE.length()) : fullKey;
    }

    Optional<TreeMap<String, List<String>>> record(Kind kind, String name) {
        return Optional.ofNullable(records.get(kind).get(name));
    }

    TreeMap<String, TreeMap<String, List<String>>> all(Kind kind) {
        return records.get(kind);
    }

    /**
     * Creates an empty record as {@code dscl -create} does: its name, type, node and, unless
     * configured otherwise, a fresh GeneratedUID.
     */
    TreeMap<String, List<String>> create(Kind kind, String name) {
        TreeMap<String, List<String>> record = new TreeMap<>();
        record.put(STANDARD + "RecordName", new ArrayList<>(List.of(name)));
        record.put(STANDARD + "RecordType", new ArrayList<>(List.of(kind.recordType)));
        record.put(STANDARD + "AppleMetaNodeLocation", new ArrayList<>(List.of("/Local/Default")));
        if (generatedUidOnCreate) {
            record.put(STANDARD + "GeneratedUID", new ArrayList<>(List.of(newUuid(kind, name))));
        }
        records.get(kind).put(name, record);
        return record;
    }

    /** A seed record with all the attributes a stock account has. */
    TreeMap<String, List<String>> seed(Kind kind, String name, int id, String uuid) {
        TreeMap<String, List<String>> record = create(kind, name);
        put(record, "GeneratedUID", uuid);
        put(record, kind == Kind.USERS ? "UniqueID" : "PrimaryGroupID", Integer.toString(id));
        return record;
    }

    /** The UUID Apple gives built-in accounts: the ID in hex after a fixed prefix. */
    static String wellKnownUuid(Kind kind, int id) {
        return kind.wellKnownUuidPrefix + String.format("%08X", id);
    }

    String newUuid(Kind kind, String name) {
        return UUID.nameUUIDFromBytes(("fake-mac:" + kind + ":" + name + ":" + uuidSequence++).getBytes(StandardCharsets.UTF_8))
                .toString().toUpperCase(java.util.Locale.ROOT);
    }

    static void put(Map<String, List<String>> record, String key, String... values) {
        record.put(fullKey(key), new ArrayList<>(List.of(values)));
    }

    void delete(Kind kind, String name) {
        records.get(kind).remove(name);
        if (kind == Kind.USERS) {
            shadowHashes.remove(name);
        }
    }

    static Optional<String> first(Map<String, List<String>> record, String key) {
        List<String> values = record.get(fullKey(key));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    static OptionalInt number(Map<String, List<String>> record, String key) {
        return number(record.get(fullKey(key)));
    }

    private static OptionalInt number(List<String> values) {
        if (values == null || values.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(values.get(0).trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private Optional<String> nameById(Kind kind, String key, int id) {
        // every ls and stat line names owner and group: look the key up once, not once per record
        String full = fullKey(key);
        for (Map.Entry<String, TreeMap<String, List<String>>> e : records.get(kind).entrySet()) {
            OptionalInt value = number(e.getValue().get(full));
            if (value.isPresent() && value.getAsInt() == id) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    Optional<String> userName(int uid) {
        return nameById(Kind.USERS, "UniqueID", uid);
    }

    Optional<String> groupName(int gid) {
        return nameById(Kind.GROUPS, "PrimaryGroupID", gid);
    }

    /** A user holding {@code uid} other than {@code except}. */
    Optional<String> userHolding(int uid, String except) {
        for (Map.Entry<String, TreeMap<String, List<String>>> e : records.get(Kind.USERS).entrySet()) {
            OptionalInt value = number(e.getValue(), "UniqueID");
            if (!e.getKey().equals(except) && value.isPresent() && value.getAsInt() == uid) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    OptionalInt uid(String user) {
        return record(Kind.USERS, user).map(r -> number(r, "UniqueID")).orElse(OptionalInt.empty());
    }

    OptionalInt gid(String group) {
        return record(Kind.GROUPS, group).map(r -> number(r, "PrimaryGroupID")).orElse(OptionalInt.empty());
    }

    Optional<String> uuid(Kind kind, String name) {
        return record(kind, name).flatMap(r -> first(r, "GeneratedUID"));
    }

    /** What {@code ls -le} prints for a principal: {@code user:NAME}, {@code group:NAME}, or the bare UUID. */
    String principalName(String uuid) {
        String full = fullKey("GeneratedUID");
        for (Kind kind : Kind.values()) {
            for (Map.Entry<String, TreeMap<String, List<String>>> e : records.get(kind).entrySet()) {
                List<String> values = e.getValue().get(full);
                if (values != null && !values.isEmpty() && values.get(0).equals(uuid)) {
                    return (kind == Kind.USERS ? "user:" : "group:") + e.getKey();
                }
            }
        }
        return uuid;
    }

    /** How chmod resolves an ACE's name: users first, then groups. */
    Optional<String> resolvePrincipal(String name, boolean user, boolean group) {
        if (user && uuid(Kind.USERS, name).isPresent()) {
            return uuid(Kind.USERS, name);
        }
        return group ? uuid(Kind.GROUPS, name) : Optional.empty();
    }

    /** Explicit membership: the user's name is in the group's GroupMembership (a primary group does not count). */
    boolean isMember(String user, String group) {
        return record(Kind.GROUPS, group)
                .map(r -> r.getOrDefault(STANDARD + "GroupMembership", List.of()).contains(user))
                .orElse(false);
    }

    /** Adds an explicit member as dseditgroup does: short name to GroupMembership, GeneratedUID to GroupMembers, no duplicates. */
    void addMember(String group, String user) {
        TreeMap<String, List<String>> record = record(Kind.GROUPS, group).orElseThrow();
        List<String> names = record.computeIfAbsent(STANDARD + "GroupMembership", k -> new ArrayList<>());
        if (!names.contains(user)) {
            names.add(user);
        }
        uuid(Kind.USERS, user).ifPresent(uuid -> {
            List<String> uuids = record.computeIfAbsent(STANDARD + "GroupMembers", k -> new ArrayList<>());
            if (!uuids.contains(uuid)) {
                uuids.add(uuid);
            }
        });
    }

    /** Removes every mention of the user from GroupMembership and GroupMembers. */
    void removeMember(String group, String user) {
        TreeMap<String, List<String>> record = record(Kind.GROUPS, group).orElseThrow();
        Optional<String> uuid = uuid(Kind.USERS, user);
        record.getOrDefault(STANDARD + "GroupMembership", new ArrayList<>()).removeIf(user::equals);
        uuid.ifPresent(u -> record.getOrDefault(STANDARD + "GroupMembers", new ArrayList<>()).removeIf(u::equals));
        record.values().removeIf(List::isEmpty);
    }

    Identity identity(String user, int uid) {
        Optional<TreeMap<String, List<String>>> record = record(Kind.USERS, user);
        String uuid = record.flatMap(r -> first(r, "GeneratedUID")).orElse(null);
        int primary = record.map(r -> number(r, "PrimaryGroupID")).orElse(OptionalInt.empty()).orElse(Integer.MIN_VALUE);
        Set<Integer> gids = new LinkedHashSet<>();
        Set<String> groupUuids = new LinkedHashSet<>();
        groupUuids.add(EVERYONE_UUID);
        for (Map.Entry<String, TreeMap<String, List<String>>> e : records.get(Kind.GROUPS).entrySet()) {
            if (e.getValue().getOrDefault(STANDARD + "GroupMembership", List.of()).contains(user)) {
                number(e.getValue(), "PrimaryGroupID").ifPresent(gids::add);
                first(e.getValue(), "GeneratedUID").ifPresent(groupUuids::add);
            }
        }
        return new Identity(user, uid, uuid, primary, gids, groupUuids);
    }

    // --- passwords ------------------------------------------------------------------------

    /**
     * Sets a password as {@code dscl passwd} does: the record says {@code ********} and ShadowHash,
     * and holds the salted hash in ShadowHashData (here a stand-in value; only the hash is kept,
     * beside the record). Deleting ShadowHashData from the record removes the password, as on a Mac.
     */
    void setPassword(String user, Secret password) {
        storePassword(user, hash(user, password.reveal()));
    }

    /** Gives the user a password nobody knows (a stock human whose password the test does not care about). */
    void setUnknownPassword(String user) {
        storePassword(user, UNKNOWN_PASSWORD);
    }

    private void storePassword(String user, String hash) {
        TreeMap<String, List<String>> record = record(Kind.USERS, user).orElseThrow();
        put(record, "Password", "********");
        put(record, "AuthenticationAuthority", SHADOW_AUTHORITY);
        put(record, SHADOW_HASH_DATA, "SALTED-SHA512-PBKDF2");
        shadowHashes.put(user, hash);
    }

    /** The stored hash while the record still holds ShadowHashData. */
    private Optional<String> storedHash(String user) {
        return record(Kind.USERS, user).filter(r -> r.containsKey(fullKey(SHADOW_HASH_DATA))).map(r -> shadowHashes.get(user));
    }

    boolean passwordMatches(String user, String candidate) {
        String stored = storedHash(user).orElse(null);
        if (stored == null || stored.equals(UNKNOWN_PASSWORD)) {
            return false;
        }
        return MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                hash(user, candidate).getBytes(StandardCharsets.US_ASCII));
    }

    /** The stored hashes, for snapshots: they change when a password changes and reveal nothing. */
    Map<String, String> shadowHashes() {
        Map<String, String> present = new TreeMap<>();
        shadowHashes.keySet().forEach(user -> storedHash(user).ifPresent(hash -> present.put(user, hash)));
        return Map.copyOf(present);
    }

    /**
     * PBKDF2 with a salt derived from the user's name, so that the same history gives equal
     * snapshots; few iterations keep tests fast (this is a test double, not a password store).
     */
    private static String hash(String user, String password) {
        try {
            byte[] salt = MessageDigest.getInstance("SHA-256").digest(("fake-mac salt " + user).getBytes(StandardCharsets.UTF_8));
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 1000, 256);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            spec.clearPassword();
            return HexFormat.of().formatHex(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is part of every Java 17 runtime", e);
        }
    }
}
