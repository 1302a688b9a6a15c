package dev.cagent;

import dev.cagent.lint.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The fluent builder through its public API: checks, defaults, order, equality, copies, rendering. */
class CagePlanBuilderTest {

    private static final String PASSWORD = "Tr0ub4dor&3-never-shown";

    private static CagePlan.Builder minimal() {
        return Cage.forUser("meeseeks").collaborationGroup("collabo");
    }

    private static CagePlan.Builder full() {
        return Cage.forUser("meeseeks")
                .realName("Mr. Meeseeks")
                .uid(669)
                .shell("/bin/bash")
                .home("/Users/meeseeks")
                .homeMode(0750)
                .password(Secret.of(PASSWORD))
                .human("alice")
                .denyListing("/Users")
                .deny("/Users/alice")
                .deny("/Library/Keychains", AclRight.READ_DATA, AclRight.EXECUTE)
                .collaborationGroup("collabo")
                .collaborationGroupId(669)
                .alsoMember("bob")
                .workspace("/Users/Shared/collabo")
                .humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
                .acceptRisk("PASSWORD_SET");
    }

    @Test
    void defaults() {
        CagePlan plan = minimal().build();
        assertEquals("meeseeks", plan.agent());
        assertEquals(new UserAccount("meeseeks", "meeseeks", new IdRequest.FirstFreeIn(600, 699), PrimaryGroup.collaborationGroup(),
                "/bin/zsh", "/Users/meeseeks", true, Password.none()), plan.user());
        assertEquals(new CollaborationGroup("collabo", new IdRequest.FirstFreeIn(600, 699), List.of("meeseeks")), plan.step(CollaborationGroup.class).orElseThrow());
        assertEquals(new HomeDirectory("/Users/meeseeks", "meeseeks", 0750), plan.step(HomeDirectory.class).orElseThrow());
        assertEquals(List.of(UserAccount.class, CollaborationGroup.class, HomeDirectory.class), stepTypes(plan));
        assertTrue(plan.human().isEmpty());
        assertTrue(plan.acceptedRisks().isEmpty());
    }

    @Test
    void workspaceAndHookDefaults() {
        CagePlan plan = minimal().human("alice").workspace("/Users/Shared/collabo").humanUmask("002").claudeCodeHook().build();
        assertEquals(new SharedWorkspace("/Users/Shared/collabo", "meeseeks", "collabo", 02770, 0660, 0770, true), plan.step(SharedWorkspace.class).orElseThrow());
        assertEquals(new ShellUmask("/Users/alice/.zshrc", "alice", Umask.parse("002")), plan.step(ShellUmask.class).orElseThrow());
        assertEquals(new ClaudeCodeHook("/Users/meeseeks/.claude/settings.json", ClaudeCodeHook.Location.USER, "meeseeks", ClaudeCodeHook.DEFAULT_JQ_CANDIDATES),
                plan.step(ClaudeCodeHook.class).orElseThrow());
        assertEquals(List.of("alice", "meeseeks"), plan.step(CollaborationGroup.class).orElseThrow().members());
    }

    @Test
    void hookLocations() {
        CagePlan.Builder b = minimal().workspace("/Users/Shared/collabo");
        assertEquals("/Users/Shared/collabo/.claude/settings.json", b.claudeCodeHook(ClaudeCodeHook.Location.PROJECT).build().step(ClaudeCodeHook.class).orElseThrow().settingsFile());
        ClaudeCodeHook rootOwned = b.claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED).build().step(ClaudeCodeHook.class).orElseThrow();
        assertEquals("/Library/Application Support/cagent/meeseeks/claude-settings.json", rootOwned.settingsFile());
        assertEquals("root", rootOwned.owner());
        assertEquals("/opt/cagent/settings.json", b.claudeCodeHookRootOwned("/opt/cagent/settings.json").build().step(ClaudeCodeHook.class).orElseThrow().settingsFile());
        assertEquals(List.of("/opt/jq"), b.jqCandidates("/opt/jq").build().step(ClaudeCodeHook.class).orElseThrow().jqCandidates());
    }

    @Test
    void stepsComeInApplyOrder() {
        CustomStep custom = () -> "custom";
        CagePlan plan = full().step(custom).build();
        assertEquals(List.of(UserAccount.class, CollaborationGroup.class, HomeDirectory.class, AccessDenial.class, AccessDenial.class, AccessDenial.class,
                SharedWorkspace.class, ShellUmask.class, ClaudeCodeHook.class), stepTypes(plan).subList(0, 9));
        assertEquals(custom, plan.steps().get(9));
        assertEquals(List.of("/Users", "/Users/alice", "/Library/Keychains"), plan.stepsOf(AccessDenial.class).stream().map(AccessDenial::path).toList(),
                "denials in the order they were given");
        assertEquals(List.of("alice", "meeseeks", "bob"), plan.step(CollaborationGroup.class).orElseThrow().members());
    }

    @Test
    void seatbeltDefaults() {
        CagePlan plan = minimal().human("alice").deny("/Users/alice").denyListing("/Users").workspace("/Users/Shared/collabo")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED).seatbelt().build();
        assertEquals(new SeatbeltProfile("/Library/Application Support/cagent/meeseeks/seatbelt.sb",
                        List.of("/Users/meeseeks", "/Users/Shared/collabo", "/private/tmp", "/private/var/folders"),
                        List.of("/opt/homebrew", "/Library/Application Support/ClaudeCode", "/Library/Application Support/cagent/meeseeks/claude-settings.json"),
                        List.of("/Users/alice"), List.of("/Users"), true),
                plan.step(SeatbeltProfile.class).orElseThrow());
        assertEquals(List.of(UserAccount.class, CollaborationGroup.class, HomeDirectory.class, AccessDenial.class, AccessDenial.class,
                SharedWorkspace.class, ClaudeCodeHook.class, SeatbeltProfile.class), stepTypes(plan), "the profile comes after the hook it reads");
        CustomStep custom = () -> "custom";
        assertEquals(custom, plan.toBuilder().step(custom).build().steps().get(8), "custom steps still come last");
        assertTrue(minimal().build().step(SeatbeltProfile.class).isEmpty(), "no profile unless asked for");
    }

    @Test
    void seatbeltSettingsAddTheProfileAndAreSpelledCanonically() {
        SeatbeltProfile profile = minimal().seatbeltProfileFile("/etc/cagent/meeseeks.sb").seatbeltWritable("/tmp/build").seatbeltWritable("/var/cache/x")
                .seatbeltReadable("/Applications/Xcode.app").seatbeltReadable("/etc/extra").seatbeltNetwork(false).build()
                .step(SeatbeltProfile.class).orElseThrow();
        assertEquals("/private/etc/cagent/meeseeks.sb", profile.profileFile());
        assertEquals(List.of("/Users/meeseeks", "/private/tmp", "/private/var/folders", "/private/tmp/build", "/private/var/cache/x"), profile.writableRoots());
        assertEquals(List.of("/opt/homebrew", "/Library/Application Support/ClaudeCode", "/Applications/Xcode.app", "/private/etc/extra"), profile.readablePaths());
        assertFalse(profile.network());
        for (java.util.function.UnaryOperator<CagePlan.Builder> alone : List.<java.util.function.UnaryOperator<CagePlan.Builder>>of(
                b -> b.seatbeltWritable("/Volumes/Work"), b -> b.seatbeltReadable("/Volumes/Ref"), b -> b.seatbeltNetwork(true),
                b -> b.seatbeltWritableRoots("/Volumes/Work"), b -> b.seatbeltProfileFile("/Library/cagent.sb"))) {
            assertTrue(alone.apply(minimal()).build().step(SeatbeltProfile.class).isPresent(), "each seatbelt setting adds the profile");
        }
    }

    @Test
    void explicitWritableRootsReplaceTheDefaultsAndAddedOnesStillCount() {
        SeatbeltProfile profile = minimal().workspace("/Users/Shared/w").seatbeltWritable("/Volumes/Build").seatbeltWritableRoots("/Users/Shared/w", "/tmp")
                .build().step(SeatbeltProfile.class).orElseThrow();
        assertEquals(List.of("/Users/Shared/w", "/private/tmp", "/Volumes/Build"), profile.writableRoots());
        assertEquals(List.of(), minimal().seatbeltWritableRoots().build().step(SeatbeltProfile.class).orElseThrow().writableRoots(), "a read-only cage");
    }

    @Test
    void theProfileMirrorsTheDeniesOnSearchAndOnReadingOnly() {
        SeatbeltProfile profile = minimal().deny("/etc/ssh").denyListing("/Users").deny("/private/var/db/sudo", AclRight.WRITE_DATA)
                .deny("/Library/Keychains", AclRight.READ_DATA, AclRight.EXECUTE).seatbelt().build().step(SeatbeltProfile.class).orElseThrow();
        assertEquals(List.of("/private/etc/ssh", "/Library/Keychains"), profile.hiddenPaths());
        assertEquals(List.of("/Users"), profile.unreadablePaths(), "a deny of writing alone is the ACL's to enforce");
    }

    @Test
    void aJqTheProfileWouldNotReachBecomesReadable() {
        SeatbeltProfile standard = minimal().claudeCodeHook().seatbelt().build().step(SeatbeltProfile.class).orElseThrow();
        assertEquals(SeatbeltProfile.DEFAULT_READABLE, standard.readablePaths(), "/usr/bin/jq and Homebrew's jq are read anyway; the user-level settings are in the home");
        SeatbeltProfile own = minimal().claudeCodeHook().jqCandidates("/Users/Shared/tools/jq", "/usr/local/bin/jq", "/Users/meeseeks/bin/jq").seatbelt().build()
                .step(SeatbeltProfile.class).orElseThrow();
        assertEquals(List.of("/opt/homebrew", "/Library/Application Support/ClaudeCode", "/Users/Shared/tools/jq"), own.readablePaths());
    }

    @Test
    void aSeatbeltStepRefusesPathsTheKernelWouldNotMatch() {
        InvalidPlanException e = assertThrows(InvalidPlanException.class,
                () -> new SeatbeltProfile("/Library/x.sb", List.of("/tmp"), List.of(), List.of(), List.of(), true));
        assertEquals("seatbelt writable: path '/tmp' is not spelled the way the kernel matches it: write '/private/tmp'", e.getMessage());
        assertThrows(InvalidPlanException.class, () -> new SeatbeltProfile("/Library/x.sb", List.of("/"), List.of(), List.of(), List.of(), true));
        assertThrows(InvalidPlanException.class, () -> new SeatbeltProfile("/Library/x.sb", List.of(), null, List.of(), List.of(), true));
        assertThrows(InvalidPlanException.class, () -> new SeatbeltProfile("x.sb", List.of(), List.of(), List.of(), List.of(), true));
    }

    static Stream<Arguments> argumentChecks() {
        return Stream.of(
                check("realName(null)", b -> b.realName(null), "realName", "missing (null)"),
                check("realName blank", b -> b.realName("  "), "realName", "give a display name"),
                check("uid 0", b -> b.uid(0), "uid", "ID 0 belongs to root/wheel: give a free ID such as 600"),
                check("uid negative", b -> b.uid(-2), "uid", "ID -2 is negative"),
                check("uid huge", b -> b.uid(Integer.MAX_VALUE), "uid", "ID 2147483647 is above 2147483646"),
                check("uid range reversed", b -> b.uidFirstFreeIn(699, 600), "uid", "range 699-600 is empty: give the lower bound first, e.g. 600-699"),
                check("uid range from 0", b -> b.uidFirstFreeIn(0, 600), "uid", "ID 0 belongs to root/wheel"),
                check("primaryGroupId 0", b -> b.primaryGroupId(0), "primaryGroupId", "ID 0 belongs to root/wheel"),
                check("shell relative", b -> b.shell("zsh"), "shell", "path 'zsh' is relative: give an absolute path starting with /"),
                check("home with ~", b -> b.home("~/agent"), "home", "write the full path, e.g. /Users/NAME/agent"),
                check("home /", b -> b.home("/"), "home", "give a directory of its own, e.g. /Users/meeseeks"),
                check("home too long", b -> b.home("/Users/" + "h".repeat(250) + "/" + "h".repeat(254)), "home", "longer than 511 bytes"),
                check("name too long", b -> b.home("/Users/" + "h".repeat(256)), "home", "name of 256 characters, more than the 255 macOS takes"),
                check("homeMode out of range", b -> b.homeMode(010000), "homeMode", "mode 010000 is outside 0000-7777: write it as an octal literal, e.g. 02770"),
                check("homeMode world-writable", b -> b.homeMode(0757), "homeMode", "drop the others' write bit, e.g. 0750"),
                check("password(null)", b -> b.password(null), "password", "pass Secret.of(...), or call noPassword()"),
                check("password with a quote", b -> b.password(Secret.of("ab\"cdefgh")), "password", "position 3 is '\"'"),
                check("human bad name", b -> b.human("Alice"), "human", "(e.g. 'alice')"),
                check("humanHome relative", b -> b.humanHome("Users/alice"), "humanHome", "is relative"),
                check("deny trailing slash", b -> b.deny("/etc/"), "deny", "write it without, as '/etc'"),
                check("deny no rights", b -> b.deny("/etc", Set.of()), "deny", "name at least one"),
                check("deny null rights", b -> b.deny("/etc", (Set<AclRight>) null), "deny", "name at least one right"),
                check("deny a null right", b -> b.deny("/etc", AclRight.READ_DATA, (AclRight) null), "deny", "include null: remove it"),
                check("deny null first right", b -> b.deny("/etc", null, AclRight.READ_DATA), "deny", "include null: remove it"),
                check("denyListing relative", b -> b.denyListing("Users"), "deny", "is relative"),
                check("collaborationGroup bad", b -> b.collaborationGroup(".hidden"), "collaborationGroup", "not starting with '-' or '.'"),
                check("collaborationGroupId 0", b -> b.collaborationGroupId(0), "collaborationGroupId", "ID 0 belongs to root/wheel"),
                check("collaborationGroupId range reversed", b -> b.collaborationGroupIdFirstFreeIn(700, 600), "collaborationGroupId", "give the lower bound first"),
                check("alsoMember bad", b -> b.alsoMember("-bob"), "member", "(e.g. 'bob')"),
                check("workspace /", b -> b.workspace("/"), "workspace", "give a directory of its own, e.g. /Users/meeseeks/workshop"),
                check("workspace ..", b -> b.workspace("/Users/Shared/../alice"), "workspace", "without . or .. segments"),
                check("workspace directory mode", b -> b.workspaceModes(-1, 0660), "workspace directory mode", "mode -1 is outside 0000-7777"),
                check("workspace file mode", b -> b.workspaceModes(02770, 010000), "workspace file mode", "outside 0000-7777"),
                check("humanUmask bad", b -> b.humanUmask("8"), "umask", "umask '8' is not three octal digits: write it like 002"),
                check("humanUmask file relative", b -> b.humanUmask(".zshrc", "002"), "umask file", "is relative"),
                check("claudeCodeHook(null)", b -> b.claudeCodeHook(null), "claudeCodeHook", "choose ClaudeCodeHook.Location.USER, PROJECT or ROOT_OWNED"),
                check("claudeCodeHookRootOwned relative", b -> b.claudeCodeHookRootOwned("settings.json"), "claude settings file", "is relative"),
                check("jqCandidates none", CagePlan.Builder::jqCandidates, "jq", "no path given: name at least one, e.g. /usr/bin/jq"),
                check("jqCandidates null", b -> b.jqCandidates((String[]) null), "jq", "name at least one path"),
                check("jqCandidates quote", b -> b.jqCandidates("/opt/it's/jq"), "jq", "install or link jq at a path without quotes"),
                check("seatbeltProfileFile relative", b -> b.seatbeltProfileFile("seatbelt.sb"), "seatbelt profile file", "is relative"),
                check("seatbeltProfileFile /", b -> b.seatbeltProfileFile("/"), "seatbelt profile file",
                        "give the profile a file of its own, e.g. /Library/Application Support/cagent/meeseeks/seatbelt.sb"),
                check("seatbeltWritable /", b -> b.seatbeltWritable("/"), "seatbelt writable", "'/' would let the agent write the whole disk"),
                check("seatbeltWritable ~", b -> b.seatbeltWritable("~/build"), "seatbelt writable", "starts with '~'"),
                check("seatbeltWritableRoots null", b -> b.seatbeltWritableRoots((String[]) null), "seatbelt writable", "or none for a read-only cage"),
                check("seatbeltWritableRoots one bad", b -> b.seatbeltWritableRoots("/Users/meeseeks", "/tmp/"), "seatbelt writable", "write it without, as '/tmp'"),
                check("seatbeltReadable ..", b -> b.seatbeltReadable("/opt/../Users/alice"), "seatbelt readable", "without . or .. segments"),
                check("step(null)", b -> b.step(null), "step", "pass a CustomStep instance"),
                check("acceptRisk unknown", b -> b.acceptRisk("NO_SUCH_RULE"), "acceptRisk", "unknown lint code 'NO_SUCH_RULE': use one of [DENY_BLOCKS_HOME"));
    }

    private static Arguments check(String name, Consumer<CagePlan.Builder> call, String field, String messagePart) {
        return arguments(name, call, field, messagePart);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("argumentChecks")
    void eachMethodChecksItsOwnArgument(String name, Consumer<CagePlan.Builder> call, String field, String messagePart) {
        CagePlan.Builder builder = minimal();
        InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> call.accept(builder));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertEquals(minimal().build(), builder.build(), "a refused value leaves the builder as it was");
    }

    @Test
    void theAgentsNameIsCheckedAtOnce() {
        InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> Cage.forUser("Mr Meeseeks"));
        assertEquals("user name: name 'Mr Meeseeks' is not a valid macOS short name: use lowercase letters, digits, '_', '-', '.', not starting with '-' or '.' (e.g. 'mrmeeseeks')",
                e.getMessage());
    }

    @Test
    void aRefusedValueLeavesEarlierSettingsInPlace() {
        CagePlan.Builder builder = minimal().human("alice").homeMode(0700).humanUmask("/Users/alice/.profile", "002").workspace("/Users/Shared/w").workspaceModes(0770, 0640);
        CagePlan before = builder.build();
        assertThrows(InvalidPlanException.class, () -> builder.homeMode(0777));
        assertThrows(InvalidPlanException.class, () -> builder.humanUmask("/Users/alice/.zshrc", "abc"));
        assertThrows(InvalidPlanException.class, () -> builder.workspaceModes(02770, -5));
        assertEquals(before, builder.build());
        assertEquals(0700, builder.build().step(HomeDirectory.class).orElseThrow().mode());
        assertEquals("/Users/alice/.profile", builder.build().step(ShellUmask.class).orElseThrow().file());
    }

    static Stream<Arguments> crossFieldChecks() {
        return Stream.of(
                check("no primary group", b -> { }, "primaryGroupId", "add collaborationGroup(\"NAME\") (it becomes the primary group) or set primaryGroupId(GID)"),
                check("human is the agent", b -> b.primaryGroupId(700).human("meeseeks"), "human", "name the person's own account, e.g. human(\"alice\")"),
                check("home inside the human's", b -> b.primaryGroupId(700).human("alice").home("/Users/alice/agent"), "home",
                        "the agent's home /Users/alice/agent lies in alice's home /Users/alice: give it a home of its own, e.g. /Users/meeseeks"),
                check("workspace without group", b -> b.primaryGroupId(700).workspace("/Users/Shared/w"), "workspace", "add collaborationGroup(\"collabo\")"),
                check("umask without human", b -> b.primaryGroupId(700).humanUmask("002"), "humanUmask", "add human(\"NAME\")"),
                check("project hook without workspace", b -> b.primaryGroupId(700).claudeCodeHook(ClaudeCodeHook.Location.PROJECT), "claudeCodeHook",
                        "add workspace(PATH) or choose Location.USER"),
                check("humanHome without human", b -> b.primaryGroupId(700).humanHome("/Users/alice"), "humanHome", "whose home is /Users/alice? add human(\"NAME\")"),
                check("member without group", b -> b.primaryGroupId(700).alsoMember("bob"), "alsoMember", "need a group to join: add collaborationGroup(\"NAME\")"),
                check("group id without group", b -> b.primaryGroupId(700).collaborationGroupId(701), "collaborationGroupId", "add collaborationGroup(\"NAME\")"),
                check("seatbelt profile where the agent writes", b -> b.primaryGroupId(700).seatbeltProfileFile("/Users/meeseeks/seatbelt.sb"), "seatbelt profile file",
                        "the profile /Users/meeseeks/seatbelt.sb lies in /Users/meeseeks, where the sandbox lets the agent write: it could rewrite its own profile;"
                                + " keep it where only root writes, e.g. /Library/Application Support/cagent/meeseeks/seatbelt.sb"),
                check("seatbelt profile in an added writable root", b -> b.primaryGroupId(700).seatbeltWritable("/Library/Application Support/cagent"),
                        "seatbelt profile file", "lies in /Library/Application Support/cagent, where the sandbox lets the agent write"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crossFieldChecks")
    void buildChecksWhatSpansSettings(String name, Consumer<CagePlan.Builder> setup, String field, String messagePart) {
        CagePlan.Builder builder = Cage.forUser("meeseeks");
        setup.accept(builder);
        InvalidPlanException e = assertThrows(InvalidPlanException.class, builder::build);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void plansAreValues() {
        assertEquals(full().build(), full().build());
        assertEquals(full().build().hashCode(), full().build().hashCode());
        assertNotEquals(full().build(), full().uid(670).build());
        assertNotEquals(full().build(), full().human("carol").build());
        assertNotEquals(full().build(), full().acceptRisk("HOOK_EDITABLE_BY_AGENT").build());
        assertNotEquals(full().build(), full().password(Secret.of("another-secret")).build());
        assertNotEquals(minimal().build(), minimal().hidden(false).build());
    }

    @Test
    void toBuilderRoundTrips() {
        CagePlan plan = full().build();
        assertEquals(plan, plan.toBuilder().build());
        CagePlan.Builder copy = plan.toBuilder();
        copy.uid(700).deny("/private/var/db/sudo").alsoMember("carol").acceptRisk("HOOK_EDITABLE_BY_AGENT").seatbeltWritable("/Volumes/Work");
        CagePlan changed = copy.build();
        assertNotEquals(plan, changed);
        assertEquals(full().build(), plan, "changing a copy leaves the original");
        assertEquals(full().build(), plan.toBuilder().build(), "and its later copies");
        assertEquals(4, changed.stepsOf(AccessDenial.class).size());
        assertEquals(Set.of("PASSWORD_SET", "HOOK_EDITABLE_BY_AGENT"), changed.acceptedRisks());
        assertTrue(plan.step(SeatbeltProfile.class).isEmpty());
        CagePlan sandboxed = full().seatbeltReadable("/Applications/Xcode.app").seatbeltWritableRoots("/Users/Shared/collabo").seatbeltNetwork(false).build();
        assertEquals(sandboxed, sandboxed.toBuilder().build(), "the profile's settings are copied too");
        assertEquals(sandboxed.step(SeatbeltProfile.class), sandboxed.toBuilder().build().step(SeatbeltProfile.class));
        assertNotEquals(sandboxed, sandboxed.toBuilder().seatbeltNetwork(true).build());
    }

    @Test
    void aBuiltPlanIgnoresLaterBuilderChanges() {
        CagePlan.Builder builder = full();
        CagePlan plan = builder.build();
        builder.deny("/private/var/root").alsoMember("dave");
        assertEquals(full().build(), plan);
        assertEquals(3, plan.stepsOf(AccessDenial.class).size());
    }

    @Test
    void toStringIsReadable() {
        String text = full().build().toString();
        assertTrue(text.startsWith("CagePlan for meeseeks (working with alice)\n  1. UserAccount[name=meeseeks, realName=Mr. Meeseeks, uid=669, primaryGroup=the collaboration group,"), text);
        assertTrue(text.contains("password=set (hidden)"), text);
        assertTrue(text.contains("  4. AccessDenial[path=/Users, requested=/Users, principal=meeseeks, rights=[READ_DATA]]"), text);
        assertTrue(text.contains("  2. CollaborationGroup[name=collabo, gid=669, members=[alice, meeseeks, bob]]"), text);
        assertTrue(text.endsWith("  accepted risks: PASSWORD_SET\n"), text);
    }

    @Test
    void thePasswordIsNeverShown() {
        CagePlan plan = full().build();
        Password password = plan.user().password();
        assertInstanceOf(Password.Given.class, password);
        List<String> renderings = List.of(plan.toString(), password.toString(), ((Password.Given) password).secret().toString(),
                Secret.of(PASSWORD).toString(), plan.user().toString(), plan.lint().toString(), plan.lint().findings().toString());
        for (String rendering : renderings) {
            assertFalse(rendering.contains(PASSWORD), rendering);
            assertFalse(rendering.contains("Tr0ub4dor"), rendering);
        }
        for (String s : plan.steps().stream().map(Object::toString).toList()) {
            assertFalse(s.contains("Tr0ub4dor"), s);
        }
        assertEquals("Secret[hidden]", Secret.of(PASSWORD).toString());
        assertEquals("set (hidden)", password.toString());
        assertTrue(plan.lint().has(Rule.PASSWORD_SET));
    }

    @Test
    void aRefusedPasswordIsNotInTheMessage() {
        for (String bad : List.of("Tr0ub4dor\"x", "Tr0ub4dor\\x", "Tr0ub4dor\nx", "Tr0ub4doré", " Tr0ub4dor", "Tr0ub4dor".repeat(30))) {
            InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> minimal().password(Secret.of(bad)));
            assertFalse(e.getMessage().contains("Tr0ub4dor"), e.getMessage());
            assertEquals("password", e.field());
        }
    }

    @Test
    void secretsCompareByValueButHashAlike() {
        assertEquals(Secret.of("abc"), Secret.of(new StringBuilder("abc")));
        assertNotEquals(Secret.of("abc"), Secret.of("abd"));
        assertEquals(Secret.of("abc").hashCode(), Secret.of("xyz").hashCode());
        assertEquals(3, Secret.of("abc").length());
        assertEquals("password", assertThrows(InvalidPlanException.class, () -> Secret.of("")).field());
    }

    @Test
    void systemLinksAreDeniedAtTheirTargets() {
        CagePlan plan = minimal().deny("/etc").deny("/var/db/sudo").deny("/tmp", AclRight.DELETE).deny("/etcetera").build();
        assertEquals(List.of("/private/etc", "/private/var/db/sudo", "/private/tmp", "/etcetera"),
                plan.stepsOf(AccessDenial.class).stream().map(AccessDenial::path).toList());
        assertEquals(List.of("/etc", "/var/db/sudo", "/tmp", "/etcetera"), plan.stepsOf(AccessDenial.class).stream().map(AccessDenial::requested).toList());
    }

    @Test
    void theSameTargetTwiceMergesIntoOneDenial() {
        CagePlan plan = minimal().deny("/etc", AclRight.READ_DATA).deny("/private/etc", AclRight.DELETE).deny("/etc", AclRight.EXECUTE).build();
        assertEquals(List.of(new AccessDenial("/private/etc", "/etc", "meeseeks", EnumSet.of(AclRight.READ_DATA, AclRight.DELETE, AclRight.EXECUTE))),
                plan.stepsOf(AccessDenial.class));
        assertEquals(minimal().deny("/private/etc", AclRight.READ_DATA, AclRight.DELETE, AclRight.EXECUTE).build().stepsOf(AccessDenial.class).get(0).rights(),
                plan.stepsOf(AccessDenial.class).get(0).rights());
    }

    @Test
    void homesAreSpelledCanonically() {
        CagePlan plan = minimal().home("/var/agents/meeseeks").human("alice").humanHome("/var/people/alice").humanUmask("002").build();
        assertEquals("/private/var/agents/meeseeks", plan.user().home());
        assertEquals("/private/var/agents/meeseeks", plan.step(HomeDirectory.class).orElseThrow().path());
        assertEquals("/private/var/people/alice/.zshrc", plan.step(ShellUmask.class).orElseThrow().file());
        assertThrows(InvalidPlanException.class, () -> minimal().primaryGroupId(700).human("alice").humanHome("/var/people/alice").home("/private/var/people/alice/agent").build(),
                "the agent's home is found inside the human's whichever spelling each uses");
    }

    @Test
    void theWorkspaceModesGiveExecutableFilesTheirExecuteBits() {
        SharedWorkspace ws = minimal().workspace("/Users/Shared/w").workspaceModes(02770, 0640).build().step(SharedWorkspace.class).orElseThrow();
        assertEquals(02770, ws.directoryMode());
        assertEquals(0640, ws.fileMode());
        assertEquals(0750, ws.executableFileMode());
    }

    private static List<Class<?>> stepTypes(CagePlan plan) {
        return plan.steps().stream().<Class<?>>map(Object::getClass).toList();
    }
}
