package dev.cagent.macos;

import dev.cagent.exec.Command;
import dev.cagent.macos.parse.LsEntry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a find picks exactly the entries decided: by a test, by their paths, or by the paths of the others. */
class TreeFindsTest {

    static final String WS = "/Users/Shared/project";
    static final String SINGLE = "/usr/bin/find -x " + WS + " -mindepth 1 '!' -type l '!' -path '*\n*' '(' -type d -o -links 1 '!' -perm -4000 '!' -perm -2000 ')'";

    @Test
    void aTestThatPicksExactlyTheChosenEntriesStandsAlone() {
        List<LsEntry> read = List.of(dir(WS, 02770), file(WS + "/a", 0644), file(WS + "/b", 0600), file(WS + "/c", 0660));
        List<LsEntry> chosen = List.of(read.get(1), read.get(2));

        assertEquals(List.of(SINGLE + " -type f '!' -perm -0060 -execdir /bin/chmod -h 0660 '{}' +"),
                lines(finds(TreeFinds.Test.FILES_WITHOUT_GROUP_EDIT, chosen, read,
                        "/bin/chmod", "-h", "0660")));
    }

    @Test
    void fewChosenAmongManyTheTestWouldPickAreNamedByTheirPaths() {
        List<LsEntry> read = new ArrayList<>(List.of(dir(WS, 02770)));
        IntStream.range(0, 50).forEach(i -> read.add(file(WS + "/agents-" + i, 0644)));
        read.add(file(WS + "/odd*name", 0600));

        assertEquals(List.of(SINGLE + " -type f '!' -perm -0060 '(' -path '" + WS + "/odd\\*name' ')' -execdir /bin/chmod -h 0660 '{}' +"),
                lines(finds(TreeFinds.Test.FILES_WITHOUT_GROUP_EDIT, List.of(read.get(51)), read,
                        "/bin/chmod", "-h", "0660")),
                "the glob characters of a name are escaped: the pattern matches that path only");
    }

    @Test
    void manyChosenAmongFewOthersTheTestWouldPickLeaveTheOthersOutByTheirPaths() {
        List<LsEntry> read = new ArrayList<>(List.of(dir(WS, 02770)));
        IntStream.range(0, 50).forEach(i -> read.add(file(WS + "/f" + i, 0644)));
        List<LsEntry> chosen = List.copyOf(read.subList(1, 50));

        assertEquals(List.of(SINGLE + " -type f '!' -perm -0060 '!' '(' -path " + WS + "/f49 ')' -execdir /bin/chmod -h 0660 '{}' +"),
                lines(finds(TreeFinds.Test.FILES_WITHOUT_GROUP_EDIT, chosen, read,
                        "/bin/chmod", "-h", "0660")));
    }

    @Test
    void pathsBeyondOneArgvAreSplitIntoSeveralFinds() {
        List<LsEntry> read = new ArrayList<>();
        String deep = WS + "/" + "d".repeat(200);
        IntStream.range(0, 2_000).forEach(i -> read.add(file(deep + "/file-" + i, 0644)));
        List<LsEntry> chosen = read.stream().filter(e -> e.path().hashCode() % 2 == 0).toList();

        List<Command> finds = finds(TreeFinds.Test.FILES, chosen, read,
                "/bin/chmod", "-h", "0644");

        assertTrue(finds.size() > 1, "one find per argv-sized batch: " + finds.size());
        List<String> named = finds.stream().flatMap(f -> IntStream.range(1, f.argv().size())
                .filter(i -> f.argv().get(i - 1).equals("-path")).mapToObj(i -> f.argv().get(i))
                .filter(pattern -> !pattern.equals(MacCommands.NO_LINE_BREAK.get(2)))).toList();
        assertEquals(chosen.stream().map(LsEntry::path).toList(), named, "every chosen entry once, in order, and no other");
        finds.forEach(f -> assertTrue(String.join(" ", f.argv()).length() < TreeFinds.MAX_ARGV_BYTES + 1_000, "fits argv"));
    }

    @Test
    void aChosenEntryTheTestWouldNotPickIsAnErrorNotASilentSkip() {
        List<LsEntry> read = List.of(file(WS + "/a", 0660));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> finds(TreeFinds.Test.FILES_WITHOUT_GROUP_EDIT,
                read, read, "/bin/chmod", "-h", "0660"));
        assertTrue(e.getMessage().contains(WS + "/a"), e.getMessage());
    }

    @Test
    void aFileWithOtherNamesIsNeverPicked() {
        LsEntry linked = new LsEntry('-', 0644, 2, "alice", "staff", 0, WS + "/linked", Optional.empty(), List.of());

        assertThrows(IllegalStateException.class, () -> finds(TreeFinds.Test.ANY, List.of(linked), List.of(linked),
                "/bin/chmod", "-h", "0660"));
    }

    @Test
    void actionsWithoutOrderShareOneWalkEachClauseTrueForEveryEntry() {
        List<LsEntry> read = List.of(dir(WS, 02770), file(WS + "/a", 0644));
        List<TreeFinds.Action> actions = new ArrayList<>(TreeFinds.acting(WS, TreeFinds.Test.FILES, List.of(read.get(1)), read,
                MacCommands.FindAction.IN_EACH_DIRECTORY, "/bin/chmod", "-h", "0660"));
        actions.addAll(TreeFinds.acting(WS, TreeFinds.Test.ANY, read, read, MacCommands.FindAction.IN_EACH_DIRECTORY, "/usr/sbin/chown", "-h", "alice:staff"));

        assertEquals(List.of("/usr/sbin/chown -h alice:staff " + WS,
                        SINGLE + " '(' '!' '(' -type f ')' -o -execdir /bin/chmod -h 0660 '{}' + ')' -execdir /usr/sbin/chown -h alice:staff '{}' +"),
                lines(TreeFinds.walks(WS, actions)), "an action that picks everything needs no clause; the starting point goes by its path, first");
    }

    @Test
    void actionsBeyondOneArgvWalkSeveralTimes() {
        List<LsEntry> read = new ArrayList<>();
        String deep = WS + "/" + "d".repeat(200);
        IntStream.range(0, 2_000).forEach(i -> read.add(file(deep + "/file-" + i, i % 2 == 0 ? 0644 : 0600)));
        List<TreeFinds.Action> actions = new ArrayList<>();
        for (int mode : List.of(0644, 0600)) {
            List<LsEntry> chosen = read.stream().filter(e -> e.mode() == mode).toList();
            actions.addAll(TreeFinds.acting(WS, TreeFinds.Test.FILES, chosen, read, MacCommands.FindAction.IN_EACH_DIRECTORY, "/bin/chmod", "-h", "0640"));
        }

        List<Command> finds = TreeFinds.walks(WS, actions);

        assertTrue(finds.size() > 1 && finds.size() <= actions.size(), finds.size() + " walks for " + actions.size() + " actions");
        finds.forEach(f -> assertTrue(String.join(" ", f.argv()).length() < TreeFinds.MAX_ARGV_BYTES + 1_000, "fits argv"));
    }

    private static List<Command> finds(TreeFinds.Test test, List<LsEntry> chosen, List<LsEntry> read, String... utility) {
        return TreeFinds.walks(WS, TreeFinds.acting(WS, test, chosen, read, MacCommands.FindAction.IN_EACH_DIRECTORY, utility));
    }

    private static List<String> lines(List<Command> commands) {
        return commands.stream().map(Command::toShellLine).toList();
    }

    private static LsEntry dir(String path, int mode) {
        return new LsEntry('d', mode, 3, "meeseeks", "collabo", 96, path, Optional.empty(), List.of());
    }

    private static LsEntry file(String path, int mode) {
        return new LsEntry('-', mode, 1, "alice", "staff", 10, path, Optional.empty(), List.of());
    }
}
