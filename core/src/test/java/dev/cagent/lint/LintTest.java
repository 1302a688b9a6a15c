package dev.cagent.lint;

import dev.cagent.AclRight;
import dev.cagent.Cage;
import dev.cagent.CagePlan;
import dev.cagent.ClaudeCodeHook;
import dev.cagent.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LintTest {

    /** The seed's setup, as written in the blog post (the human is alice). */
    static CagePlan seedPlan() {
        return Cage.forUser("meeseeks")
                .realName("Mr. Meeseeks")
                .shell("/bin/zsh")
                .uid(69)
                .primaryGroupId(20)
                .home("/Users/meeseeks")
                .password(Secret.of("comeUpWithYourOwnPassword"))
                .human("alice")
                .deny("/Users/alice")
                .deny("/Users")
                .deny("/etc")
                .deny("/private/etc")
                .deny("/private/var")
                .deny("/Library/Keychains")
                .collaborationGroup("collabo")
                .collaborationGroupId(69)
                .workspace("/Users/meeseeks/workshop")
                .workspaceModes(02770, 02770)
                .workspaceInheritableAccess(false)
                .humanUmask("002")
                .claudeCodeHook()
                .build();
    }

    /** The seed's intent with every finding addressed. */
    static CagePlan correctedPlan() {
        return Cage.forUser("meeseeks")
                .realName("Mr. Meeseeks")
                .human("alice")
                .deny("/Users/alice")
                .denyListing("/Users")
                .denyListing("/etc")
                .deny("/private/etc/ssh")
                .deny("/private/var/db/sudo")
                .deny("/Library/Keychains")
                .collaborationGroup("collabo")
                .workspace("/Users/meeseeks/workshop")
                .humanUmask("002")
                .claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
                .build();
    }

    private static String codeAndSubject(Finding f) {
        return f.code() + " " + f.subject();
    }

    @Test
    void theSeedsPlanHasExactlyTheseFindings() {
        LintReport report = seedPlan().lint();
        assertEquals(List.of(
                "DENY_BLOCKS_HOME /Users",
                "DENY_BLOCKS_WORKSPACE /Users",
                "DENY_PRIVATE_ETC /private/etc",
                "DENY_PRIVATE_VAR /private/var",
                "PRIMARY_GROUP_STAFF meeseeks",
                "ID_IN_SYSTEM_RANGE UID 69",
                "ID_IN_SYSTEM_RANGE GID 69",
                "PASSWORD_SET meeseeks",
                "WORKSPACE_FILES_EXECUTABLE /Users/meeseeks/workshop",
                "WORKSPACE_NO_INHERITED_ACCESS /Users/meeseeks/workshop",
                "UMASK_ONLY_INTERACTIVE /Users/alice/.zshrc",
                "HOOK_EDITABLE_BY_AGENT /Users/meeseeks/.claude/settings.json"), report.findings().stream().map(LintTest::codeAndSubject).toList());
        assertEquals(List.of("DENY_BLOCKS_HOME", "DENY_BLOCKS_WORKSPACE", "WORKSPACE_FILES_EXECUTABLE"), report.errors().stream().map(Finding::code).toList());
        assertTrue(report.isBlocking());
        assertFalse(report.toString().contains("comeUpWithYourOwnPassword"));
    }

    @Test
    void theCorrectedPlanHasNoFindingAtAll() {
        LintReport report = correctedPlan().lint();
        assertEquals(List.of(), report.findings(), report.toString());
        assertFalse(report.isBlocking());
        assertEquals("no findings\n", report.toString());
    }

    @Test
    void acceptedRisksStopBlockingButStayReported() {
        CagePlan accepted = seedPlan().toBuilder().acceptRisk("DENY_BLOCKS_HOME").acceptRisk("DENY_BLOCKS_WORKSPACE").acceptRisk("WORKSPACE_FILES_EXECUTABLE").build();
        LintReport report = accepted.lint();
        assertFalse(report.isBlocking());
        assertEquals(3, report.errors().size());
        assertTrue(report.toString().contains("ERROR DENY_BLOCKS_HOME [/Users]: the agent's home /Users/meeseeks lies below /Users, where search is denied: no path through it can be reached\n"
                + "    fix: use denyListing(\"/Users\") to hide the listing but keep the path through it, or move /Users/meeseeks outside /Users\n"
                + "    (risk accepted by the plan)\n"), report.toString());
        CagePlan partly = seedPlan().toBuilder().acceptRisk("DENY_BLOCKS_HOME").build();
        assertEquals(List.of("DENY_BLOCKS_WORKSPACE", "WORKSPACE_FILES_EXECUTABLE"), partly.lint().blocking().stream().map(Finding::code).toList());
    }

    /**
     * One case per rule: a plan that triggers it, the finding's subject and fix, and the plan with
     * the fix applied, which must not trigger it.
     */
    static Stream<Arguments> rules() {
        return Stream.of(
                rule(Rule.DENY_BLOCKS_HOME, Severity.ERROR, () -> base().deny("/Users").build(), "/Users",
                        "use denyListing(\"/Users\") to hide the listing but keep the path through it, or move /Users/meeseeks outside /Users",
                        () -> base().denyListing("/Users").build()),
                rule(Rule.DENY_BLOCKS_HOME, Severity.ERROR, () -> base().deny("/Users/meeseeks").build(), "/Users/meeseeks",
                        "remove deny(\"/Users/meeseeks\")",
                        () -> base().deny("/Users/meeseeks", AclRight.WRITE_SECURITY, AclRight.CHANGE_OWNER).build()),
                rule(Rule.DENY_INSIDE_AGENTS_REACH, Severity.ERROR, () -> withWorkspace().deny("/Users/Shared/collabo/secrets").build(),
                        "/Users/Shared/collabo/secrets",
                        "keep what the agent must not reach outside /Users/Shared/collabo and deny it there, e.g. in /Users/alice;"
                                + " remove deny(\"/Users/Shared/collabo/secrets\")",
                        () -> withWorkspace().deny("/Users/alice/secrets").build()),
                rule(Rule.DENY_INSIDE_AGENTS_REACH, Severity.ERROR, () -> base().denyListing("/Users/meeseeks/.ssh").build(), "/Users/meeseeks/.ssh",
                        "keep what the agent must not reach outside /Users/meeseeks and deny it there, e.g. in /Users/alice; remove deny(\"/Users/meeseeks/.ssh\")",
                        () -> base().deny("/Users/meeseeks", AclRight.WRITE_SECURITY).build()),
                rule(Rule.DENY_BLOCKS_WORKSPACE, Severity.ERROR, () -> withWorkspace().deny("/Users/Shared").build(), "/Users/Shared",
                        "use denyListing(\"/Users/Shared\") to hide the listing but keep the path through it, or move /Users/Shared/collabo outside /Users/Shared",
                        () -> withWorkspace().denyListing("/Users/Shared").build()),
                rule(Rule.DENY_BLOCKS_WORKSPACE, Severity.ERROR, () -> withWorkspace().deny("/Users/Shared/collabo", AclRight.WRITE_DATA).build(), "/Users/Shared/collabo",
                        "remove deny(\"/Users/Shared/collabo\")",
                        () -> withWorkspace().deny("/Users/Shared/collabo", AclRight.WRITE_SECURITY).build()),
                rule(Rule.DENY_CRITICAL_PATH, Severity.ERROR, () -> base().deny("/usr").build(), "/usr",
                        "remove deny(\"/usr\"); deny narrower paths below it instead",
                        () -> base().deny("/usr/local/secrets").build()),
                rule(Rule.DENY_CRITICAL_PATH, Severity.ERROR, () -> base().deny("/tmp", AclRight.WRITE_DATA).build(), "/private/tmp",
                        "remove deny(\"/tmp\"); deny narrower paths below it instead",
                        () -> base().deny("/private/tmp/secrets").build()),
                rule(Rule.DENY_CRITICAL_PATH, Severity.ERROR, () -> base().deny("/Applications").build(), "/Applications",
                        "remove deny(\"/Applications\"); deny narrower paths below it instead",
                        () -> base().denyListing("/Applications").build()),
                rule(Rule.DENY_PRIVATE_VAR, Severity.WARNING, () -> base().deny("/var").build(), "/private/var",
                        "deny narrower paths (e.g. /private/var/db/sudo, /private/var/root), or denyListing(\"/var\"); launch the agent with its own TMPDIR",
                        () -> base().deny("/private/var/db/sudo").denyListing("/var").build()),
                rule(Rule.DENY_PRIVATE_VAR, Severity.WARNING, () -> base().deny("/private/var/run").build(), "/private/var/run",
                        "deny narrower paths (e.g. /private/var/db/sudo, /private/var/root), or denyListing(\"/private/var/run\"); launch the agent with its own TMPDIR",
                        () -> base().denyListing("/private/var/run").build()),
                rule(Rule.DENY_PRIVATE_ETC, Severity.WARNING, () -> base().deny("/etc").build(), "/private/etc",
                        "deny the secrets in it instead (e.g. /private/etc/sudoers.d, /private/etc/ssh), or denyListing(\"/etc\"), or accept that the agent runs with a fixed PATH and no system CA file",
                        () -> base().deny("/private/etc/sudoers.d").deny("/etc/ssh").denyListing("/etc").build()),
                rule(Rule.DENY_PRIVATE_ETC, Severity.WARNING, () -> base().deny("/private/etc/ssl").build(), "/private/etc/ssl",
                        "deny the secrets in it instead (e.g. /private/etc/sudoers.d, /private/etc/ssh), or denyListing(\"/private/etc/ssl\"), or accept that the agent runs with a fixed PATH and no system CA file",
                        () -> base().deny("/private/etc/ssl/private").build()),
                rule(Rule.AGENT_IS_ADMINISTRATOR, Severity.ERROR, () -> base().collaborationGroup("admin").build(), "group admin first free in 600-699",
                        "give the agent a group of its own: collaborationGroup(\"collabo\") with a free GID, e.g. collaborationGroupIdFirstFreeIn(600, 699)",
                        () -> base().build()),
                rule(Rule.AGENT_IS_ADMINISTRATOR, Severity.ERROR, () -> base().collaborationGroupId(80).build(), "group collabo 80",
                        "give the agent a group of its own: collaborationGroup(\"collabo\") with a free GID, e.g. collaborationGroupIdFirstFreeIn(600, 699)",
                        () -> base().collaborationGroupId(600).build()),
                rule(Rule.AGENT_IS_ADMINISTRATOR, Severity.ERROR, () -> base().primaryGroupId(80).build(), "primary GID 80",
                        "give the agent a group of its own: collaborationGroup(\"collabo\") with a free GID, e.g. collaborationGroupIdFirstFreeIn(600, 699)",
                        () -> base().build()),
                rule(Rule.PRIMARY_GROUP_STAFF, Severity.WARNING, () -> base().primaryGroupId(20).build(), "meeseeks",
                        "let the collaboration group be the primary group (leave primaryGroupId unset) or give the agent a group of its own",
                        () -> base().build()),
                rule(Rule.ID_IN_SYSTEM_RANGE, Severity.WARNING, () -> base().uid(69).build(), "UID 69",
                        "use a UID from 501 up that no one holds, e.g. uidFirstFreeIn(600, 699)",
                        () -> base().uidFirstFreeIn(600, 699).build()),
                rule(Rule.ID_IN_SYSTEM_RANGE, Severity.WARNING, () -> base().uidFirstFreeIn(400, 699).build(), "UID first free in 400-699",
                        "use a UID from 501 up that no one holds, e.g. uidFirstFreeIn(600, 699)",
                        () -> base().uid(669).build()),
                rule(Rule.ID_IN_SYSTEM_RANGE, Severity.WARNING, () -> base().collaborationGroupId(69).build(), "GID 69",
                        "use a GID from 501 up, e.g. collaborationGroupIdFirstFreeIn(600, 699)",
                        () -> base().collaborationGroupId(669).build()),
                rule(Rule.ID_IN_SYSTEM_RANGE, Severity.WARNING, () -> base().primaryGroupId(80).build(), "primary GID 80",
                        "let the collaboration group be the primary group",
                        () -> base().build()),
                rule(Rule.WORKSPACE_FILES_EXECUTABLE, Severity.ERROR, () -> withWorkspace().workspaceModes(02770, 02770).build(), "/Users/Shared/collabo",
                        "workspaceModes(02770, 0660): directories 2770, files 660; files that were executable keep their execute bits",
                        () -> withWorkspace().workspaceModes(02770, 0660).build()),
                rule(Rule.WORKSPACE_FILES_EXECUTABLE, Severity.ERROR, () -> withWorkspace().workspaceModes(02770, 04660).build(), "/Users/Shared/collabo",
                        "workspaceModes(02770, 0660): directories 2770, files 660; files that were executable keep their execute bits",
                        () -> withWorkspace().workspaceModes(02770, 0660).build()),
                rule(Rule.WORKSPACE_NOT_GROUP_EDITABLE, Severity.WARNING, () -> withWorkspace().workspaceModes(02750, 0640).build(), "/Users/Shared/collabo",
                        "workspaceModes(02770, 0660)",
                        () -> withWorkspace().workspaceModes(02770, 0660).build()),
                rule(Rule.WORKSPACE_NO_INHERITED_ACCESS, Severity.WARNING, () -> withWorkspace().workspaceInheritableAccess(false).build(), "/Users/Shared/collabo",
                        "workspaceInheritableAccess(true)",
                        () -> withWorkspace().workspaceInheritableAccess(true).build()),
                rule(Rule.WORKSPACE_DEEP_IN_AGENTS_HOME, Severity.ERROR, () -> base().workspace("/Users/meeseeks/code/workshop").build(),
                        "/Users/meeseeks/code/workshop",
                        "workspace(\"/Users/meeseeks/workshop\") (right in the agent's home), or a place outside it, e.g. /Users/Shared/workshop",
                        () -> base().workspace("/Users/meeseeks/workshop").build()),
                rule(Rule.HOME_CLOSED_TO_GROUP, Severity.WARNING, () -> base().workspace("/Users/meeseeks/workshop").homeMode(0700).build(), "/Users/meeseeks/workshop",
                        "homeMode(0750), or put the workspace elsewhere, e.g. /Users/Shared/meeseeks",
                        () -> base().workspace("/Users/meeseeks/workshop").homeMode(0750).build()),
                rule(Rule.UMASK_MASKS_GROUP_WRITE, Severity.WARNING, () -> withWorkspace().humanUmask("022").build(), "/Users/alice/.zshrc",
                        "humanUmask(\"002\")",
                        () -> withWorkspace().humanUmask("002").build()),
                rule(Rule.UMASK_ONLY_INTERACTIVE, Severity.INFO, () -> withWorkspace().workspaceInheritableAccess(false).humanUmask("002").build(), "/Users/alice/.zshrc",
                        "workspaceInheritableAccess(true)",
                        () -> withWorkspace().workspaceInheritableAccess(true).humanUmask("002").build()),
                rule(Rule.UMASK_ONLY_INTERACTIVE, Severity.INFO, () -> base().humanUmask("002").build(), "/Users/alice/.zshrc",
                        "add workspace(PATH) with collaborationGroup(NAME): its inheritable group entries share new files whatever the umask",
                        () -> base().humanUmask("002").workspace("/Users/Shared/collabo").build()),
                rule(Rule.HOOK_EDITABLE_BY_AGENT, Severity.WARNING, () -> base().claudeCodeHook().build(), "/Users/meeseeks/.claude/settings.json",
                        "claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED) writes a root-owned file passed with --settings at launch",
                        () -> base().claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED).build()),
                rule(Rule.HOOK_EDITABLE_BY_AGENT, Severity.WARNING, () -> withWorkspace().claudeCodeHook(ClaudeCodeHook.Location.PROJECT).build(), "/Users/Shared/collabo/.claude/settings.json",
                        "claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED) writes a root-owned file passed with --settings at launch",
                        () -> withWorkspace().claudeCodeHookRootOwned("/Library/Application Support/cagent/settings.json").build()),
                rule(Rule.SEATBELT_NO_WORKSPACE_WRITE, Severity.ERROR, () -> withWorkspace().seatbeltWritableRoots("/Users/meeseeks", "/tmp", "/var/folders").build(),
                        "/Users/Shared/collabo", "seatbeltWritable(\"/Users/Shared/collabo\")",
                        () -> withWorkspace().seatbeltWritableRoots("/Users/meeseeks", "/tmp", "/var/folders").seatbeltWritable("/Users/Shared/collabo").build()),
                rule(Rule.SEATBELT_NO_HOME_WRITE, Severity.WARNING, () -> withWorkspace().seatbeltWritableRoots("/Users/Shared/collabo", "/tmp", "/var/folders").build(),
                        "/Users/meeseeks", "seatbeltWritable(\"/Users/meeseeks\")",
                        () -> withWorkspace().seatbelt().build()),
                rule(Rule.SEATBELT_NO_TEMP_WRITE, Severity.WARNING, () -> base().seatbeltWritableRoots("/Users/meeseeks").build(),
                        "/private/tmp, /private/var/folders", "seatbeltWritable(\"/private/tmp\"), seatbeltWritable(\"/private/var/folders\")",
                        () -> base().seatbeltWritableRoots("/Users/meeseeks").seatbeltWritable("/private/tmp").seatbeltWritable("/var/folders").build()),
                rule(Rule.SEATBELT_NETWORK_OFF, Severity.INFO, () -> base().seatbeltNetwork(false).build(), "/Library/Application Support/cagent/meeseeks/seatbelt.sb",
                        "seatbeltNetwork(true), or start only programs that work offline",
                        () -> base().seatbeltNetwork(false).seatbeltNetwork(true).build()),
                rule(Rule.SEATBELT_NESTED_SANDBOX, Severity.INFO, () -> base().seatbelt().build(), "/Library/Application Support/cagent/meeseeks/seatbelt.sb",
                        "turn such a tool's own sandbox off in the cage, where the profile takes its place; or leave out seatbelt()",
                        () -> base().build()),
                rule(Rule.PASSWORD_SET, Severity.INFO, () -> base().password(Secret.of("hunter2-secret")).build(), "meeseeks",
                        "noPassword()",
                        () -> base().password(Secret.of("hunter2-secret")).noPassword().build()));
    }

    private static Arguments rule(Rule rule, Severity severity, Supplier<CagePlan> triggering, String subject, String fix, Supplier<CagePlan> corrected) {
        return arguments(rule, severity, triggering, subject, fix, corrected);
    }

    private static CagePlan.Builder base() {
        return Cage.forUser("meeseeks").human("alice").collaborationGroup("collabo");
    }

    private static CagePlan.Builder withWorkspace() {
        return base().workspace("/Users/Shared/collabo");
    }

    @ParameterizedTest(name = "{0} on {3}")
    @MethodSource("rules")
    void eachRuleFiresAndItsFixSilencesIt(Rule rule, Severity severity, Supplier<CagePlan> triggering, String subject, String fix, Supplier<CagePlan> corrected) {
        List<Finding> found = triggering.get().lint().findings().stream().filter(f -> f.rule() == rule).toList();
        assertEquals(1, found.size(), "exactly one " + rule + " in " + found);
        Finding finding = found.get(0);
        assertEquals(rule.name(), finding.code());
        assertEquals(severity, finding.severity());
        assertEquals(subject, finding.subject());
        assertEquals(fix, finding.fix());
        assertFalse(finding.message().isBlank());
        LintReport after = corrected.get().lint();
        assertFalse(after.has(rule), "the corrected plan still has " + rule + ": " + after);
    }

    @Test
    void everyRuleHasACase() {
        Set<Rule> covered = rules().map(a -> (Rule) a.get()[0]).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        covered.add(Rule.DENY_TARGET_MISSING); // needs machine facts: its own test below
        assertEquals(EnumSet.allOf(Rule.class), covered);
    }

    @Test
    void aMissingDenyTargetIsAnErrorOnlyWithMachineFacts() {
        CagePlan plan = base().deny("/Users/bob").deny("/etc/ssh").build();
        MachineFacts noBob = path -> !path.equals("/Users/bob");
        List<Finding> found = Lint.check(plan, noBob).findings().stream().filter(f -> f.rule() == Rule.DENY_TARGET_MISSING).toList();
        assertEquals(1, found.size());
        assertEquals("/Users/bob", found.get(0).subject());
        assertEquals(Severity.ERROR, found.get(0).severity());
        assertEquals("create it first, or remove deny(\"/Users/bob\"); if you accept the risk, apply skips it", found.get(0).fix());
        assertFalse(Lint.check(plan, MachineFacts.NONE).has(Rule.DENY_TARGET_MISSING));
        assertFalse(Lint.check(plan, path -> true).has(Rule.DENY_TARGET_MISSING));
        MachineFacts onlyCanonical = path -> !path.equals("/etc/ssh");
        assertFalse(Lint.check(plan, onlyCanonical).has(Rule.DENY_TARGET_MISSING), "facts are asked about the canonical path");
    }

    @Test
    void lossesAreNamedPrecisely() {
        Finding var = only(base().deny("/private/var/run").build(), Rule.DENY_PRIVATE_VAR);
        assertEquals("without /private/var/run the agent loses DNS (the resolver talks to /var/run/mDNSResponder)", var.message());
        Finding wholeVar = only(base().deny("/var").build(), Rule.DENY_PRIVATE_VAR);
        assertEquals("without /private/var the agent loses its TMPDIR (/var/folders/...), DNS (the resolver talks to /var/run/mDNSResponder),"
                + " the time zone (/var/db/timezone) and anything kept under /var", wholeVar.message());
        Finding ssl = only(base().deny("/private/etc/ssl").build(), Rule.DENY_PRIVATE_ETC);
        assertEquals("without /private/etc/ssl the agent loses the TLS CA file /etc/ssl/cert.pem", ssl.message());
        Finding hosts = only(base().deny("/etc/hosts", AclRight.READ_DATA).build(), Rule.DENY_PRIVATE_ETC);
        assertEquals("without /private/etc/hosts the agent loses /etc/hosts", hosts.message());
    }

    @Test
    void rulesThatNeedSearchIgnoreAListingDenial() {
        for (String path : List.of("/Users", "/etc", "/private/var", "/private/var/run", "/private/etc/ssl", "/Applications")) {
            LintReport report = withWorkspace().denyListing(path).build().lint();
            assertEquals(List.of(), report.findings(), path + ": " + report);
        }
    }

    @Test
    void theFolderOfEveryTemporaryFileIsCriticalNotAVarWarning() {
        LintReport report = base().deny("/var/folders").build().lint();
        assertEquals(List.of("DENY_CRITICAL_PATH /private/var/folders"), report.findings().stream().map(LintTest::codeAndSubject).toList());
    }

    @Test
    void aHomeBelowASystemLinkIsComparedCanonically() {
        LintReport report = base().home("/var/agents/meeseeks").deny("/private/var").build().lint();
        assertTrue(report.has(Rule.DENY_BLOCKS_HOME), report.toString());
    }

    @Test
    void theGroupIdMessageStatesOnlyFacts() {
        Finding gid = only(base().collaborationGroupId(300).build(), Rule.ID_IN_SYSTEM_RANGE);
        assertEquals("GIDs below 500 are Apple's: upgrades add system groups there (a stock Mac has e.g. staff 20, network 69, admin 80)", gid.message());
    }

    @Test
    void aSeatbeltProfileOfTheCorrectedPlanOnlyInforms() {
        LintReport report = correctedPlan().toBuilder().seatbelt().build().lint();
        assertEquals(List.of("SEATBELT_NESTED_SANDBOX"), report.findings().stream().map(Finding::code).toList(), report.toString());
        assertEquals("a sandbox cannot be nested: inside sandbox-exec, a tool that sandboxes itself (Claude Code's own /sandbox, swift build)"
                + " fails with 'sandbox_apply: Operation not permitted'", report.findings().get(0).message());
        assertFalse(report.isBlocking());
    }

    @Test
    void aDenyInsideTheWorkspaceKeepsTheProfileFromWritingThereAndSaysWhere() {
        Finding workspace = only(withWorkspace().deny("/Users/Shared").seatbelt().acceptRisk("DENY_BLOCKS_WORKSPACE").build(), Rule.SEATBELT_NO_WORKSPACE_WRITE);
        assertEquals("the Seatbelt profile lets the agent write only in /Users/meeseeks, /Users/Shared/collabo, /private/tmp, /private/var/folders"
                + " (and not in /Users/Shared): it cannot edit the workspace it shares with you", workspace.message());
        Finding home = only(base().seatbeltWritableRoots().build(), Rule.SEATBELT_NO_HOME_WRITE);
        assertTrue(home.message().startsWith("the Seatbelt profile lets the agent write nowhere: Claude Code keeps"), home.message());
    }

    @Test
    void codesAreTheRulesNames() {
        assertEquals(Arrays.stream(Rule.values()).map(Rule::name).toList(), Lint.codes());
        assertTrue(Lint.knows("PASSWORD_SET"));
        assertFalse(Lint.knows("password_set"));
        assertFalse(Lint.knows(null));
        assertTrue(Arrays.stream(Rule.values()).noneMatch(r -> r.title().isBlank()));
    }

    private static Finding only(CagePlan plan, Rule rule) {
        List<Finding> found = plan.lint().findings().stream().filter(f -> f.rule() == rule).toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

}
