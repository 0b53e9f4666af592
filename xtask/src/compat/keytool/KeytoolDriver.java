/*
 * Runs many JDK keytool commands in one JVM (a JVM start costs ~0.4 s).
 *
 * Usage: java --add-exports java.base/sun.security.tools.keytool=ALL-UNNAMED
 *             -Djava.security.manager=allow KeytoolDriver.java <batch>
 *
 * Each batch line is TAB-separated: output prefix, stdin (with \n escapes),
 * then keytool's arguments. For each line the driver writes <prefix>.out,
 * <prefix>.err and <prefix>.rc (0, or the status keytool passed to
 * System.exit). Only keytool's own Main runs; the result is what
 * `keytool <args>` prints, except on paths that call System.exit from inside
 * the argument parser (the compat task runs those as real processes).
 */
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.Permission;
import java.util.*;

public class KeytoolDriver {
    static final class ExitTrap extends SecurityException {
        final int status;
        ExitTrap(int status) { super("exit " + status); this.status = status; }
    }

    @SuppressWarnings("removal")
    public static void main(String[] argv) throws Exception {
        System.setSecurityManager(new SecurityManager() {
            @Override public void checkPermission(Permission p) { }
            @Override public void checkPermission(Permission p, Object context) { }
            @Override public void checkExit(int status) { throw new ExitTrap(status); }
        });
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        InputStream realIn = System.in;
        for (String line : Files.readAllLines(Path.of(argv[0]), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            String prefix = f[0];
            String stdin = f[1].replace("\\n", "\n");
            String[] args = Arrays.copyOfRange(f, 2, f.length);
            int rc = 0;
            try (PrintStream out = new PrintStream(new FileOutputStream(prefix + ".out"), true, "UTF-8");
                 PrintStream err = new PrintStream(new FileOutputStream(prefix + ".err"), true, "UTF-8")) {
                System.setOut(out);
                System.setErr(err);
                System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
                try {
                    sun.security.tools.keytool.Main.main(args);
                } catch (ExitTrap e) {
                    rc = e.status;
                } catch (Throwable t) {
                    rc = 99;
                    t.printStackTrace(err);
                }
            } finally {
                System.setOut(realOut);
                System.setErr(realErr);
                System.setIn(realIn);
            }
            Files.writeString(Path.of(prefix + ".rc"), Integer.toString(rc));
        }
    }
}
