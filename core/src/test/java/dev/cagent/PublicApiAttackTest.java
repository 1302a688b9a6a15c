package dev.cagent;

import dev.cagent.exec.Command;
import dev.cagent.exec.Stdin;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attacks on the public plan API as an embedder uses it: immutability, value semantics, secrets. */
class PublicApiAttackTest {

    private static final String PASSWORD = "Tr0ub4dor&3x";

    private static final CustomStep CUSTOM = () -> "custom thing";

    private static CagePlan.Builder full() {
        return Cage.forUser("meeseeks").realName("Mr. Meeseeks").uid(601).password(Secret.of(PASSWORD)).hidden(false)
                .human("alice").humanHome("/Users/alice").deny("/Users/alice").denyListing("/Users").deny("/etc/x", AclRight.READ_DATA, AclRight.WRITE_DATA)
                .collaborationGroup("collabo").collaborationGroupId(650).alsoMember("bob").workspace("/Users/Shared/w")
                .workspaceModes(02770, 0660).humanUmask("/Users/alice/.zprofile", "002").claudeCodeHook(ClaudeCodeHook.Location.ROOT_OWNED)
                .jqCandidates("/usr/local/bin/jq").seatbeltWritable("/tmp/build").seatbeltReadable("/Applications/Xcode.app").seatbeltNetwork(false)
                .step(CUSTOM).acceptRisk("DENY_BLOCKS_HOME");
    }

    @Test
    void noCollectionAPlanHandsOutCanBeMutated() {
        CagePlan plan = full().build();
        List<Step> steps = plan.steps();
        assertThrows(UnsupportedOperationException.class, () -> steps.add(CUSTOM));
        assertThrows(UnsupportedOperationException.class, () -> steps.remove(0));
        assertThrows(UnsupportedOperationException.class, () -> plan.acceptedRisks().add("DENY_CRITICAL_PATH"));
        assertThrows(UnsupportedOperationException.class, () -> plan.acceptedRisks().clear());
        assertThrows(UnsupportedOperationException.class, () -> plan.stepsOf(AccessDenial.class).clear());
        assertThrows(UnsupportedOperationException.class, () -> plan.step(CollaborationGroup.class).orElseThrow().members().add("mallory"));
        for (AccessDenial d : plan.stepsOf(AccessDenial.class)) {
            assertThrows(UnsupportedOperationException.class, () -> d.rights().add(AclRight.DELETE));
        }
        SeatbeltProfile sb = plan.step(SeatbeltProfile.class).orElseThrow();
        for (List<String> l : List.of(sb.writableRoots(), sb.readablePaths(), sb.hiddenPaths(), sb.unreadablePaths())) {
            assertThrows(UnsupportedOperationException.class, () -> l.add("/"));
        }
        assertThrows(UnsupportedOperationException.class, () -> plan.step(ClaudeCodeHook.class).orElseThrow().jqCandidates().add("/tmp/jq"));
        assertEquals(full().build(), plan);
    }

    @Test
    void whatTheCallerKeepsCannotChangeAPlanAfterwards() {
        EnumSet<AclRight> rights = EnumSet.of(AclRight.READ_DATA);
        StringBuilder pw = new StringBuilder(PASSWORD);
        CagePlan.Builder builder = Cage.forUser("meeseeks").primaryGroupId(20).deny("/Users/alice", rights).password(Secret.of(pw));
        CagePlan plan = builder.build();
        CagePlan copy = builder.build();
        rights.add(AclRight.EXECUTE);
        pw.setCharAt(0, 'X');
        builder.deny("/Library", AclRight.READ_DATA).realName("Changed").human("alice");
        assertEquals(copy, plan);
        assertEquals(EnumSet.of(AclRight.READ_DATA), plan.stepsOf(AccessDenial.class).get(0).rights());
        assertEquals(1, plan.stepsOf(AccessDenial.class).size());
        assertEquals(new Password.Given(Secret.of(PASSWORD)), plan.user().password());

        CagePlan.Builder derived = plan.toBuilder();
        derived.deny("/Users/Shared").acceptRisk("DENY_CRITICAL_PATH");
        assertEquals(copy, plan, "changing a toBuilder() copy leaves the plan alone");
    }

    @Test
    void toBuilderRoundTripsToAnEqualPlan() {
        CagePlan plan = full().build();
        CagePlan again = plan.toBuilder().build();
        assertEquals(plan, again);
        assertEquals(plan.hashCode(), again.hashCode());
        assertEquals(plan.toString(), again.toString());
        assertEquals(plan.steps(), again.steps());
        assertEquals(plan.toBuilder().build().toBuilder().build(), plan);
        CagePlan minimal = Cage.forUser("meeseeks").primaryGroupId(20).build();
        assertEquals(minimal, minimal.toBuilder().build());
    }

    @Test
    void equalsSeesEveryDifference() {
        CagePlan plan = full().build();
        List<CagePlan> others = List.of(
                plan.toBuilder().password(Secret.of(PASSWORD + "!")).build(),
                plan.toBuilder().noPassword().build(),
                plan.toBuilder().hidden(true).build(),
                plan.toBuilder().acceptRisk("DENY_CRITICAL_PATH").build(),
                plan.toBuilder().step(() -> "custom thing").build(),
                plan.toBuilder().seatbeltNetwork(true).build(),
                plan.toBuilder().jqCandidates("/usr/bin/jq").build(),
                plan.toBuilder().deny("/Users/alice", AclRight.DELETE).build(),
                plan.toBuilder().humanUmask("/Users/alice/.zprofile", "007").build());
        for (CagePlan other : others) {
            assertNotEquals(plan, other, other.toString());
        }
        assertEquals(others.size() + 1, new HashSet<>(concat(others, plan)).size());
    }

    private static List<CagePlan> concat(List<CagePlan> a, CagePlan b) {
        List<CagePlan> all = new java.util.ArrayList<>(a);
        all.add(b);
        return all;
    }

    @Test
    void noTextOfAPlanShowsThePassword() {
        CagePlan plan = full().build();
        List<String> texts = List.of(plan.toString(), plan.user().toString(), plan.user().password().toString(), plan.lint().toString(),
                plan.steps().toString(), String.valueOf(plan.hashCode()), Secret.of(PASSWORD).toString());
        for (String text : texts) {
            assertFalse(text.contains(PASSWORD) || text.contains("Tr0ub"), text);
        }
        for (String bad : List.of("Tr0ub4dor\"3x", "Tr0ub4dor\\3x", "Tr0ub4dor\n3x", "Tr0ub4dorä3x", " Tr0ub4dor3x", "Tr0ub4dor3x ", "Tr0ub4dor" + "x".repeat(300))) {
            InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> Cage.forUser("meeseeks").password(Secret.of(bad)));
            assertFalse(e.getMessage().contains("Tr0ub"), e.getMessage());
        }
    }

    @Test
    void secretIsAValueThatNeverShowsItself() {
        Secret a = Secret.of("abc");
        assertEquals(a, Secret.of(new StringBuilder("abc")));
        assertNotEquals(a, Secret.of("abd"));
        assertNotEquals(a, Secret.of("abcd"));
        assertNotEquals(Secret.of("abcd"), a);
        assertNotEquals(a, "abc");
        assertEquals(a.hashCode(), Secret.of("zzz").hashCode());
        assertEquals("Secret[hidden]", a.toString());
        assertEquals(2, Set.of(Secret.of("x"), Secret.of("y")).size());
        assertThrows(InvalidPlanException.class, () -> Secret.of(""));
    }

    /** Different secrets must never compare equal: equals() compares UTF-8 bytes, and every unpaired surrogate encodes as '?'. */
    @Test
    void differentSecretsAreNeverEqual() {
        assertNotEquals(Secret.of("pass\uD800"), Secret.of("pass?"));
        assertNotEquals(Secret.of("\uDC00"), Secret.of("\uD800"));
    }

    @Test
    void neitherSecretsNorPlansCanBeSerialised() throws IOException {
        assertFalse(Serializable.class.isAssignableFrom(Secret.class));
        assertFalse(Serializable.class.isAssignableFrom(CagePlan.class));
        assertFalse(Serializable.class.isAssignableFrom(Stdin.class));
        ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream());
        assertThrows(java.io.NotSerializableException.class, () -> out.writeObject(Secret.of("abc")));
        assertThrows(java.io.NotSerializableException.class, () -> out.writeObject(full().build()));
    }

    /** Password.of refuses what dscl would mangle; the public record constructor skips those checks. */
    @Test
    void aPasswordCannotBeMadeAroundItsChecks() {
        assertThrows(InvalidPlanException.class, () -> new Password.Given(Secret.of("bad\"pass\nword")));
    }

    /** PrimaryGroup.id refuses GID 0 and negatives; the public record constructor does not. */
    @Test
    void aPrimaryGroupCannotBeMadeAroundItsChecks() {
        assertThrows(InvalidPlanException.class, () -> new PrimaryGroup.Id(0));
    }

    @Test
    void commandsAreImmutableAndRedactSecrets() {
        Command c = Command.write("/usr/bin/dscl", ".", "-passwd", "/Users/x").withStdin(Stdin.builder().text("pw: ").secret("PW", Secret.of(PASSWORD)).build())
                .withEnvironment(Map.of("A", "b"));
        assertThrows(UnsupportedOperationException.class, () -> c.argv().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> c.arguments().set(0, "y"));
        assertThrows(UnsupportedOperationException.class, () -> c.environment().put("B", "c"));
        assertThrows(UnsupportedOperationException.class, () -> c.stdin().parts().add("z"));
        assertFalse(c.toString().contains("Tr0ub"), c.toString());
        assertFalse(c.stdin().toString().contains("Tr0ub"));
        assertFalse(c.stdin().parts().toString().contains("Tr0ub"));
    }

    @Test
    void aPlanHasExactlyOneAccountAndCustomStepsComeLast() {
        CagePlan plan = full().step(() -> "second").build();
        assertEquals(1, plan.stepsOf(UserAccount.class).size());
        assertEquals(List.of("custom thing", "second"), plan.stepsOf(CustomStep.class).stream().map(Step::describe).toList());
        assertTrue(plan.steps().get(plan.steps().size() - 1) instanceof CustomStep);
        assertThrows(InvalidPlanException.class, () -> Cage.forUser("meeseeks").primaryGroupId(20).step(null));
    }
}
