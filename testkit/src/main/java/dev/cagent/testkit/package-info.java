/**
 * A fake Mac for tests: {@link dev.cagent.testkit.FakeMac} is a complete, stateful, in-memory
 * macOS behind the core {@link dev.cagent.exec.CommandRunner} port, answering the commands of the
 * macOS backend's contract with the real output formats and exit codes.
 *
 * <pre>{@code
 * FakeMac mac = FakeMac.stock();                        // macOS 15, human alice (501) with a sudo ticket
 * mac.faults().failWrite(3, Fault.operationNotPermitted());
 * // ... the code under test runs its commands through mac (it is a CommandRunner) ...
 * assertEquals(List.of(...), mac.recorded().stream().map(RecordedCommand::toString).toList());
 * assertFalse(mac.canAccess("meeseeks", "/Users/alice/.ssh/id_ed25519", Access.READ));
 * assertEquals(List.of(), before.diff(mac.snapshot())); // nothing else changed
 * }</pre>
 *
 * <p>What it models, and how it fails where it does not:
 * <ul>
 *   <li>Programs are found by absolute path. One the file tree lacks cannot start
 *       ({@link dev.cagent.exec.CommandStartException}, as with real processes); one that exists
 *       but is not modelled, or arguments a program does not understand, end with exit 127 and
 *       {@code fake-mac: unsupported: ARGV} on stderr.</li>
 *   <li>Directory Services: {@code dscl} (read, list, create, append, merge, delete, passwd and
 *       the quiet stdin mode), {@code dseditgroup}, {@code createhomedir}, {@code dscacheutil}.</li>
 *   <li>Files: {@code ls -l[deO]}, {@code stat -f}, {@code find -x DIR ! -type l -exec /bin/ls -led {} +},
 *       {@code cat}, {@code tee}, {@code mkdir}, {@code mv}, {@code rm}, {@code rmdir},
 *       {@code mktemp -d -t}, {@code chmod} (octal, {@code +a}, {@code -a}, {@code +a#}, {@code -a#}),
 *       {@code chown}; owners, modes, ordered ACLs with inheritance, symbolic links, SIP.</li>
 *   <li>Privilege: {@code sudo} ({@code -n -k -S -p -u -H}), the {@code osascript} admin prompt,
 *       {@code id -u}, {@code whoami}, {@code env}, and {@code /bin/sh} for the preview script's grammar.</li>
 * </ul>
 * Every time is {@code Dec  3 16:27}; temporary names come from a fixed seed; so the same history
 * always gives the same output and the same {@link dev.cagent.testkit.MacSnapshot}.
 */
package dev.cagent.testkit;
