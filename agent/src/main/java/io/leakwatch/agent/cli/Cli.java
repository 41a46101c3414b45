package io.leakwatch.agent.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java -jar leakwatch-agent.jar <command> ...}, wrapped by {@code scripts/leakwatch}. Each command is a class
 * in this package with a method named after the command, {@code static int list(String[] args, PrintStream out, PrintStream err)},
 * returning the exit status.
 */
public final class Cli {
    private static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("list", "Attach: local JVMs and whether leakwatch is loaded in each");
        COMMANDS.put("dump", "Attach: the open-handle table of a running JVM: dump <pid> [--json] [--out file]");
        COMMANDS.put("attach", "Attach: load the agent into a running JVM: attach <pid> [key=value,...]");
        COMMANDS.put(
                "check",
                "Check: exit status for CI from a report: check <report.json> [--max-leaks N] [--junit file.xml]");
    }

    private Cli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        String spec = COMMANDS.get(args[0]);
        if (spec == null) {
            err.println("leakwatch: unknown command '" + args[0] + "'; commands are "
                    + String.join(", ", COMMANDS.keySet()));
            return 2;
        }
        String className = Cli.class.getPackageName() + "." + spec.substring(0, spec.indexOf(':'));
        try {
            Object status = Class.forName(className)
                    .getMethod(args[0], String[].class, PrintStream.class, PrintStream.class)
                    .invoke(null, Arrays.copyOfRange(args, 1, args.length), out, err);
            return (Integer) status;
        } catch (InvocationTargetException e) {
            err.println("leakwatch " + args[0] + ": " + e.getCause());
            return 1;
        } catch (ReflectiveOperationException e) {
            err.println("leakwatch " + args[0] + ": not available in this build (" + e + ")");
            return 1;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: leakwatch <command> [args]");
        COMMANDS.forEach((name, spec) -> out.printf("  %-7s %s%n", name, spec.substring(spec.indexOf(':') + 2)));
    }
}
