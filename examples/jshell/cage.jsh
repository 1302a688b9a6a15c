// cagent in JShell: build a cage plan, read what lint says about it, and preview it on a fake Mac.
//
// From the project's root directory, with JDK 17 or later:
//   ./mvnw -q -pl examples -am package -DskipTests
//   jshell --class-path "$(cat examples/target/classpath.txt)" examples/jshell/cage.jsh
//
// The first command builds the jars and writes examples/target/classpath.txt (the jars of core,
// macos and testkit and what they need). Delete the /exit at the end to keep exploring.

import dev.cagent.*;
import dev.cagent.macos.*;
import dev.cagent.testkit.*;
import java.time.Duration;

// JShell ends a statement at the end of a line when it can: so each line of the chain ends in '.'
CagePlan plan = Cage.forUser("meeseeks").
        realName("Mr. Meeseeks").
        hidden(true).
        noPassword().
        human("alice").
        deny("/Users/alice").
        denyListing("/Users").
        deny("/private/etc").
        collaborationGroup("collabo").
        workspace("/Users/meeseeks/workshop").
        build();

System.out.println(plan);
System.out.println(plan.lint());

// A fake Mac: macOS 15 with the human alice (UID 501) holding a sudo ticket; nothing runs for real.
FakeMac mac = FakeMac.stock();
MacOsBackend backend = MacOsBackend.on(mac).readBack(3, Duration.ZERO).build();
var preview = backend.preview(plan);
System.out.println(preview.script());
System.out.println("apply would go ahead: " + preview.wouldApply() + ", with " + preview.writes() + " writes; the fake Mac saw "
        + mac.recorded().stream().filter(c -> c.isWrite()).count() + " writes during the preview");
/exit
