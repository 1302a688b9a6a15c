package dev.cagent.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stock macOS 15 "Sequoia": the system accounts and groups of a fresh install, the SIP-protected
 * system folders with the programs the fake understands, {@code /private} behind the
 * {@code /etc}, {@code /var}, {@code /tmp} links, and one human administrator with a lived-in home.
 */
final class Seed {

    /** name:UniqueID:RealName of the stock users (PrimaryGroupID = UniqueID, as for most of them). */
    private static final String USERS = """
            root:0:System Administrator
            daemon:1:System Services
            nobody:-2:Unprivileged User
            _uucp:4:Unix to Unix Copy Protocol
            _taskgated:13:Task Gate Daemon
            _networkd:24:Network Services
            _installassistant:25:Install Assistant
            _lp:26:Printing Services
            _postfix:27:Postfix Mail Server
            _scsd:31:Service Configuration Service
            _ces:32:Certificate Enrollment Service
            _appstore:33:Mac App Store Service
            _mcxalr:54:MCX AppLaunch
            _appleevents:55:AppleEvents Daemon
            _geod:56:Geo Services Daemon
            _devdocs:59:Developer Documentation
            _sandbox:60:Seatbelt
            _mdnsresponder:65:mDNSResponder
            _ard:67:Apple Remote Desktop
            _www:70:World Wide Web Server
            _eppc:71:Apple Events User
            _cvs:72:CVS Server
            _svn:73:SVN Server
            _mysql:74:MySQL Server
            _sshd:75:sshd Privilege separation
            _qtss:76:QuickTime Streaming Server
            _cyrus:77:Cyrus Administrator
            _mailman:78:Mailman List Server
            _appserver:79:Application Server
            _clamav:82:ClamAV Daemon
            _amavisd:83:AMaViS Daemon
            _jabber:84:Jabber XMPP Server
            _appowner:87:Application Owner
            _windowserver:88:WindowServer
            _spotlight:89:Spotlight
            _tokend:91:Token Daemon
            _securityagent:92:SecurityAgent
            _calendar:93:Calendar
            _teamsserver:94:TeamsServer
            _update_sharing:95:Update Sharing
            _installer:96:Installer
            _atsserver:97:ATS Server
            _ftp:98:FTP Daemon
            _unknown:99:Unknown User
            _softwareupdate:200:Software Update Service
            _coreaudiod:202:Core Audio Daemon
            _screensaver:203:Screensaver
            _locationd:205:Location Daemon
            _trustevaluationagent:208:Trust Evaluation Agent
            _timezone:210:AutoTimeZoneDaemon
            _lda:211:Local Delivery Agent
            _cvmsroot:212:CVMS Root
            _usbmuxd:213:iPhone OS Device Helper
            _dovecot:214:Dovecot Administrator
            _dpaudio:215:DP Audio
            _postgres:216:PostgreSQL Server
            _krbtgt:217:Kerberos Ticket Granting Ticket
            _kadmin_admin:218:Kerberos Admin Service
            _kadmin_changepw:219:Kerberos Change Password Service
            _devicemgr:220:Device Management Server
            _webauthserver:221:Web Auth Server
            _netbios:222:NetBIOS
            _warmd:224:Warm Daemon
            _dovenull:227:Dovecot Authentication
            _netstatistics:228:Network Statistics Daemon
            _avbdeviced:229:Ethernet AVB Device Daemon
            _krb_krbtgt:230:Open Directory Kerberos Ticket Granting Ticket
            _krb_kadmin:231:Open Directory Kerberos Admin Service
            _krb_changepw:232:Open Directory Kerberos Change Password Service
            _krb_kerberos:233:Open Directory Kerberos
            _krb_anonymous:234:Open Directory Kerberos Anonymous
            _assetcache:235:Asset Cache Service
            _coremediaiod:236:Core Media IO Daemon
            _launchservicesd:239:_launchservicesd
            _iconservices:240:IconServices
            _distnote:241:DistNote
            _nsurlsessiond:242:NSURLSession Daemon
            _displaypolicyd:244:Display Policy Daemon
            _astris:245:Astris Services
            _krbfast:246:Kerberos FAST Account
            _gamecontrollerd:247:Game Controller Daemon
            _mbsetupuser:248:Setup User
            _ondemand:249:On Demand Resource Daemon
            _xserverdocs:251:macOS Server Documents Service
            _wwwproxy:252:WWW Proxy
            _mobileasset:253:MobileAsset User
            _findmydevice:254:Find My Device Daemon
            _datadetectors:257:DataDetectors
            _captiveagent:258:captiveagent
            _ctkd:259:ctkd Account
            _applepay:260:applepay Account
            _hidd:261:HID Service User
            _cmiodalassistants:262:CoreMedia IO Assistants User
            _analyticsd:263:Analytics Daemon
            _fpsd:265:FPS Daemon
            _timed:266:Time Sync Daemon
            _nearbyd:268:Proximity and Ranging Daemon
            _reportmemoryexception:269:ReportMemoryException
            _driverkit:270:DriverKit
            _diskimagesiod:271:DiskImages IO Daemon
            _logd:272:Log Daemon
            _appinstalld:273:App Install Daemon
            _installcoordinationd:274:Install Coordination Daemon
            _demod:275:Demo Daemon
            _rmd:277:Remote Management Daemon
            _accessoryupdater:278:Accessory Update Daemon
            _knowledgegraphd:279:Knowledge Graph Daemon
            _coreml:280:CoreML Services
            _sntpd:281:SNTP Server Daemon
            _trustd:282:trustd
            _mmaintenanced:283:mmaintenanced
            _darwindaemon:284:Darwin Daemon
            _notification_proxy:285:Notification Proxy
            _avphidbridge:286:Apple Virtual Platform HID Bridge
            _biome:289:Biome
            _backgroundassets:291:Background Assets Service
            _mobilegestalthelper:293:MobileGestaltHelper
            _audiomxd:294:Audio and MediaExperience Daemon
            _terminusd:295:Terminus
            _neuralengine:296:AppleNeuralEngine
            _eligibilityd:297:OS Eligibility Daemon
            _systemstatusd:298:System Status Daemon
            _aonsensed:300:Always On Sense Daemon
            _modelmanagerd:301:Model Manager
            _reportsystemmemory:302:ReportSystemMemory
            _swtransparencyd:303:Software Transparency Services
            _naturallanguaged:304:Natural Language Services
            _oahd:441:OAH Daemon
            """;

    /** name:PrimaryGroupID:RealName of the stock groups. */
    private static final String GROUPS = """
            wheel:0:System Group
            daemon:1:Daemon
            kmem:2:Kernel Memory
            sys:3:System
            tty:4:Terminal Devices
            operator:5:Operator
            mail:6:Mail
            bin:7:Binaries
            procview:8:Process Viewer
            procmod:9:Process Modifier
            owner:10:Owner
            everyone:12:Everyone
            _taskgated:13:Task Gate Daemon
            group:16:Group
            staff:20:Staff
            _networkd:24:Network Services
            _installassistant:25:Install Assistant
            _lp:26:Printing Services
            _postfix:27:Postfix Mail Server
            _postdrop:28:Postfix Mail Drop
            certusers:29:Certificate Users
            _keytabusers:30:Keytab Users
            _scsd:31:Service Configuration Service
            _ces:32:Certificate Enrollment Service
            _appstore:33:Mac App Store Service
            utmp:45:Utmp
            authedusers:50:Authenticated Users
            interactusers:51:Interactive Users
            netusers:52:Network Users
            consoleusers:53:Console Users
            _mcxalr:54:MCX AppLaunch
            _appleevents:55:AppleEvents Daemon
            _geod:56:Geo Services Daemon
            _devdocs:59:Developer Documentation
            _sandbox:60:Seatbelt
            localaccounts:61:Local Accounts
            netaccounts:62:Network Accounts
            _mdnsresponder:65:mDNSResponder
            _uucp:66:Unix to Unix Copy Protocol
            _ard:67:Apple Remote Desktop
            dialer:68:Dialer
            network:69:Network Group
            _www:70:World Wide Web Server
            _eppc:71:Apple Events User
            _cvs:72:CVS Server
            _svn:73:SVN Server
            _mysql:74:MySQL Server
            _sshd:75:sshd Privilege separation
            _qtss:76:QuickTime Streaming Server
            _mailman:78:Mailman List Server
            _appserverusr:79:Application Server Users
            admin:80:Administrators
            _appserveradm:81:Application Server Admins
            _clamav:82:ClamAV Daemon
            _amavisd:83:AMaViS Daemon
            _jabber:84:Jabber XMPP Server
            _appowner:87:Application Owner
            _windowserver:88:WindowServer
            _spotlight:89:Spotlight
            accessibility:90:Accessibility
            _tokend:91:Token Daemon
            _securityagent:92:SecurityAgent
            _calendar:93:Calendar
            _teamsserver:94:TeamsServer
            _update_sharing:95:Update Sharing
            _installer:96:Installer
            _atsserver:97:ATS Server
            _lpadmin:98:Print Administrators
            _unknown:99:Unknown Group
            _lpoperator:100:Print Operator
            _softwareupdate:200:Software Update Service
            _coreaudiod:202:Core Audio Daemon
            _screensaver:203:Screensaver
            _developer:204:Developer Tools
            _locationd:205:Location Daemon
            _timezone:210:AutoTimeZoneDaemon
            _analyticsusers:250:Analytics Users
            _analyticsd:263:Analytics Daemon
            _trustd:282:trustd
            _oahd:441:OAH Daemon
            nobody:-2:Unprivileged Group
            nogroup:-1:Unprivileged Group
            """;

    /** Groups root (and, for admin, the human) is explicitly a member of. */
    private static final Map<String, List<String>> ROOT_MEMBERSHIPS = Map.of(
            "wheel", List.of("root"), "admin", List.of("root"), "staff", List.of("root"),
            "kmem", List.of("root"), "sys", List.of("root"), "operator", List.of("root"), "certusers", List.of("root"));

    private static final List<String> PROGRAMS = List.of(
            "/bin/sh", "/bin/zsh", "/bin/bash", "/bin/ls", "/bin/cat", "/bin/chmod", "/bin/mkdir", "/bin/mv", "/bin/rm",
            "/bin/rmdir", "/usr/bin/dscl", "/usr/bin/env", "/usr/bin/id", "/usr/bin/whoami", "/usr/bin/stat",
            "/usr/bin/find", "/usr/bin/tee", "/usr/bin/mktemp", "/usr/bin/osascript", "/usr/bin/dscacheutil",
            "/usr/bin/sandbox-exec", "/usr/bin/false", "/usr/bin/true", "/usr/bin/git", "/usr/sbin/chown",
            "/usr/sbin/dseditgroup", "/usr/sbin/createhomedir", "/usr/libexec/path_helper");

    private final Machine machine;

    private Seed(Machine machine) {
        this.machine = machine;
    }

    static void stock(Machine machine, String human, int humanUid, boolean jq, boolean sandboxExec) {
        Seed seed = new Seed(machine);
        seed.accounts(human, humanUid);
        seed.system(jq, sandboxExec);
        seed.privateTree();
        seed.users(human, humanUid);
    }

    private void accounts(String human, int humanUid) {
        DirectoryServices ds = machine.directory;
        for (String line : USERS.strip().split("\n")) {
            String[] f = line.split(":", 3);
            int uid = Integer.parseInt(f[1]);
            TreeMap<String, List<String>> record = ds.seed(DirectoryServices.Kind.USERS, f[0], uid,
                    DirectoryServices.wellKnownUuid(DirectoryServices.Kind.USERS, uid));
            DirectoryServices.put(record, "PrimaryGroupID", f[1]);
            DirectoryServices.put(record, "RealName", f[2]);
            DirectoryServices.put(record, "Password", "*");
            DirectoryServices.put(record, "NFSHomeDirectory", f[0].equals("root") ? "/var/root" : "/var/empty");
            DirectoryServices.put(record, "UserShell", f[0].equals("root") ? "/bin/sh" : "/usr/bin/false");
            DirectoryServices.put(record, "IsHidden", "1");
        }
        for (String line : GROUPS.strip().split("\n")) {
            String[] f = line.split(":", 3);
            int gid = Integer.parseInt(f[1]);
            TreeMap<String, List<String>> record = ds.seed(DirectoryServices.Kind.GROUPS, f[0], gid,
                    DirectoryServices.wellKnownUuid(DirectoryServices.Kind.GROUPS, gid));
            DirectoryServices.put(record, "RealName", f[2]);
            DirectoryServices.put(record, "Password", "*");
        }
        TreeMap<String, List<String>> humanRecord = ds.seed(DirectoryServices.Kind.USERS, human, humanUid,
                ds.newUuid(DirectoryServices.Kind.USERS, human));
        DirectoryServices.put(humanRecord, "PrimaryGroupID", "20");
        DirectoryServices.put(humanRecord, "RealName", human.substring(0, 1).toUpperCase(Locale.ROOT) + human.substring(1));
        DirectoryServices.put(humanRecord, "NFSHomeDirectory", "/Users/" + human);
        DirectoryServices.put(humanRecord, "UserShell", "/bin/zsh");
        ROOT_MEMBERSHIPS.forEach((group, members) -> members.forEach(m -> ds.addMember(group, m)));
        ds.addMember("admin", human);
    }

    private Node dir(String path, int uid, int gid, int mode) {
        FileTree.Lookup at = machine.files.lookup(null, path, false);
        Node node = Node.directory(uid, gid, mode);
        at.parent().children.put(at.name(), node);
        return node;
    }

    private void file(String path, int uid, int gid, int mode, String content) {
        FileTree.Lookup at = machine.files.lookup(null, path, false);
        at.parent().children.put(at.name(), Node.file(uid, gid, mode, content));
    }

    private void link(String path, String target) {
        FileTree.Lookup at = machine.files.lookup(null, path, false);
        Node link = Node.symlink(0, 0, target);
        link.restricted = true;
        at.parent().children.put(at.name(), link);
    }

    private void system(boolean jq, boolean sandboxExec) {
        machine.files.root.restricted = true;
        for (String top : List.of("/System", "/System/Library", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/libexec", "/bin", "/sbin")) {
            dir(top, 0, 0, 0755);
        }
        for (String program : PROGRAMS) {
            if (sandboxExec || !program.equals("/usr/bin/sandbox-exec")) {
                file(program, 0, 0, 0755, "");
            }
        }
        file("/usr/bin/sudo", 0, 0, 04511, "");
        if (jq) {
            file("/usr/bin/jq", 0, 0, 0755, "");
        }
        for (String top : List.of("/System", "/usr", "/bin", "/sbin")) {
            FileTree.walk(top, machine.files.lookup(null, top, false).node(), (path, node) -> node.restricted = true);
        }
        dir("/usr/local", 0, 0, 0755);
        dir("/usr/local/bin", 0, 0, 0755);
        link("/etc", "private/etc");
        link("/var", "private/var");
        link("/tmp", "private/tmp");
        dir("/dev", 0, 0, 0555);
        file("/dev/null", 0, 0, 0666, "");
        dir("/Library", 0, 0, 0755);
        dir("/Library/Keychains", 0, 0, 0755);
        file("/Library/Keychains/System.keychain", 0, 0, 0644, "kych");
        dir("/Library/Application Support", 0, 80, 0775);
        dir("/Applications", 0, 80, 0775);
    }

    private void privateTree() {
        dir("/private", 0, 0, 0755);
        dir("/private/etc", 0, 0, 0755);
        file("/private/etc/zshrc", 0, 0, 0444, "# System-wide profile for interactive zsh(1) shells.\nsetopt BEEP\n");
        file("/private/etc/zprofile", 0, 0, 0444, "# System-wide profile for interactive zsh(1) login shells.\n"
                + "if [ -x /usr/libexec/path_helper ]; then\n\teval `/usr/libexec/path_helper -s`\nfi\n");
        file("/private/etc/paths", 0, 0, 0644, "/usr/local/bin\n/System/Cryptexes/App/usr/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n");
        file("/private/etc/hosts", 0, 0, 0644, "127.0.0.1\tlocalhost\n255.255.255.255\tbroadcasthost\n::1             localhost\n");
        file("/private/etc/shells", 0, 0, 0644, "/bin/bash\n/bin/csh\n/bin/dash\n/bin/ksh\n/bin/sh\n/bin/tcsh\n/bin/zsh\n");
        file("/private/etc/services", 0, 0, 0644, "ssh              22/tcp     # SSH Remote Login Protocol\n");
        file("/private/etc/sudoers", 0, 0, 0440, "root ALL = (ALL) ALL\n%admin  ALL = (ALL) ALL\n");
        dir("/private/etc/ssl", 0, 0, 0755);
        file("/private/etc/ssl/cert.pem", 0, 0, 0644, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        dir("/private/var", 0, 0, 0755);
        dir("/private/var/db", 0, 0, 0755);
        dir("/private/var/folders", 0, 0, 0755);
        dir("/private/var/folders/zz", 0, 0, 0755);
        dir("/private/var/run", 0, 1, 0775);
        dir("/private/var/root", 0, 0, 0700);
        dir("/private/var/empty", 0, 0, 0755);
        dir("/private/tmp", 0, 0, 01777);
    }

    private void users(String human, int uid) {
        Node users = dir("/Users", 0, 80, 0755);
        dir("/Users/Shared", 0, 0, 01777);
        DirectoryTools.makeHome(users, human, uid, 20);
        String h = "/Users/" + human;
        file(h + "/.CFUserTextEncoding", uid, 20, 0644, "0x08000100:0x0:0x0");
        dir(h + "/.Trash", uid, 20, 0700);
        file(h + "/.zsh_history", uid, 20, 0600, ": 1733239620:0;git status\n");
        file(h + "/.zshrc", uid, 20, 0644, "# ~/.zshrc\nexport PATH=\"$HOME/.local/bin:$PATH\"\nalias ll='ls -la'\n"
                + "autoload -Uz compinit && compinit\n");
        dir(h + "/.ssh", uid, 20, 0700);
        file(h + "/.ssh/id_ed25519", uid, 20, 0600,
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
        file(h + "/Documents/notes.txt", uid, 20, 0644, "Shopping: milk, coffee\n");
        // as on a Mac in use: extended attributes (ls shows '@', hiding '+' even where an ACL follows)
        machine.files.lookup(null, h, false).node().extendedAttributes = true;
        machine.files.lookup(null, h + "/Documents", false).node().extendedAttributes = true;
        // launchd makes the temporary folders of root and of the logged-in human at boot and login
        temporaryFolder("root", 0, 0);
        temporaryFolder(human, uid, 20);
    }

    private void temporaryFolder(String user, int uid, int gid) {
        String folder = "/private/var/folders/zz/" + FileCommands.folderName(user);
        dir(folder, uid, gid, 0755);
        dir(folder + "/T", uid, gid, 0700);
    }
}
