package dev.cagent.macos;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Where processes may be started, and what the macOS module may need at run time. */
class ArchitectureTest {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cagent");

    @Test
    void onlyTheRunnerTouchesCommonsExec() {
        noClasses().that().doNotBelongToAnyOf(ExecCommandRunner.class)
                .should().dependOnClassesThat().resideInAPackage("org.apache.commons.exec..")
                .check(MAIN_CLASSES);
    }

    @Test
    void onlyTheRunnerStartsProcesses() {
        noClasses().that().doNotBelongToAnyOf(ExecCommandRunner.class)
                .should().dependOnClassesThat().areAssignableTo(ProcessBuilder.class)
                .orShould().callMethodWhere(target(name("exec")).and(target(owner(assignableTo(Runtime.class)))))
                .check(MAIN_CLASSES);
    }

    /** Guards the two rules above: they exempt the runner, so the runner must be among the classes checked. */
    @Test
    void theRunnerIsAmongTheCheckedClassesAndUsesCommonsExec() {
        classes().that().belongToAnyOf(ExecCommandRunner.class).and().haveSimpleName("ExecCommandRunner")
                .should().dependOnClassesThat().resideInAPackage("org.apache.commons.exec..")
                .check(MAIN_CLASSES);
    }

    @Test
    void theMacosModuleNeverNeedsTheTestkitAtRunTime() {
        noClasses().that().resideInAPackage("dev.cagent.macos..")
                .should().dependOnClassesThat().resideInAPackage("dev.cagent.testkit..")
                .check(MAIN_CLASSES);
    }
}
