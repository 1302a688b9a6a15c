package dev.cagent;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What core may depend on: the JDK, slf4j, Gson and itself. It starts no process. */
class ArchitectureTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        // core's own output directory (or jar): scanning the whole class path for the package is slow
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importLocations(Set.of(Location.of(CagePlan.class.getProtectionDomain().getCodeSource().getLocation())));
    }

    @Test
    void coreIsImported() {
        assertTrue(core.contain(CagePlan.class));
        assertTrue(core.contain(dev.cagent.claude.ClaudeSettings.class));
        assertTrue(core.stream().noneMatch(c -> c.getSimpleName().endsWith("Test")), "only main classes");
    }

    @Test
    void coreKnowsNoOtherModule() {
        ArchRule rule = noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.cagent.macos..", "dev.cagent.testkit..", "dev.cagent.examples..");
        rule.check(core);
    }

    @Test
    void coreDoesNotUseCommonsExec() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.apache.commons.exec..").check(core);
    }

    @Test
    void coreDoesNotUseProcessBuilder() {
        noClasses().should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class).check(core);
    }

    @Test
    void coreDoesNotCallRuntimeExec() {
        noClasses().should().callMethodWhere(describe("Runtime.exec",
                call -> call.getTarget().getOwner().isEquivalentTo(Runtime.class) && call.getTarget().getName().equals("exec"))).check(core);
    }

    @Test
    void coreUsesOnlyTheJdkSlf4jAndGson() {
        classes().should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.slf4j..", "com.google.gson..", "dev.cagent..")
                .check(core);
    }
}
