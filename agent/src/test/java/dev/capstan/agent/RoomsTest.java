package dev.capstan.agent;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules of DEVELOPING.md's map of rooms, checked on the compiled agent. */
class RoomsTest {
    private static JavaClasses agent;

    @BeforeAll
    static void importAgent() {
        agent = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.capstan.agent");
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("dev.capstan.agent.(*)..").should().beFreeOfCycles());
    }

    @Test
    void onlyTheClusterRoomSpeaksKubernetes() {
        check(noClasses().that(not(resideInAPackage("dev.capstan.agent.cluster..")))
                .should().dependOnClassesThat().resideInAPackage("io.fabric8.."));
    }

    @Test
    void theSharedModelDependsOnNoOtherRoom() {
        check(noClasses().that().resideInAPackage("dev.capstan.agent.model..")
                .should().dependOnClassesThat(resideInAPackage("dev.capstan.agent..")
                        .and(not(resideInAPackage("dev.capstan.agent.model..")))));
    }

    @Test
    void thePebbleEngineDependsOnlyOnTheModel() {
        check(noClasses().that().resideInAPackage("dev.capstan.agent.chart..")
                .should().dependOnClassesThat(resideInAPackage("dev.capstan.agent..")
                        .and(not(resideInAPackage("dev.capstan.agent.chart..")))
                        .and(not(resideInAPackage("dev.capstan.agent.model..")))));
    }

    private static void check(ArchRule rule) {
        EvaluationResult result = rule.evaluate(agent);
        assertThat(result.getFailureReport().getDetails()).as(rule.getDescription()).isEmpty();
        // The rule looked at the agent's classes, not at nothing.
        assertThat(agent.size()).isGreaterThan(300);
    }
}
