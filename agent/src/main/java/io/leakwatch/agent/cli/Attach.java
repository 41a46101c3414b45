package io.leakwatch.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.ops.Management;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code leakwatch list | dump | attach}: the JDK's attach API to find JVMs, read their system properties and load the
 * agent, and the target's local JMX connector (started on demand, loopback only) to call its MXBean.
 */
public final class Attach {
    private static final long MBEAN_WAIT_MILLIS = 5000;

    private Attach() {}

    /** Thrown with the one-line message the user sees; exit status 1. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    public static int list(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0) {
            err.println("leakwatch list: takes no arguments");
            return 2;
        }
        String self = String.valueOf(ProcessHandle.current().pid());
        out.printf("%-8s %-16s %s%n", "PID", "LEAKWATCH", "MAIN");
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (d.id().equals(self)) {
                continue;
            }
            String status;
            try {
                Properties p = withVm(d.id(), VirtualMachine::getSystemProperties);
                String version = p.getProperty(Management.VERSION_PROPERTY);
                status = version == null ? "no" : version;
            } catch (Failure e) {
                status = "? (" + shortReason(e.getMessage()) + ")";
            }
            out.printf(
                    "%-8s %-16s %s%n",
                    d.id(),
                    status,
                    d.displayName().isEmpty() ? "(unknown)" : d.displayName().split(" ", 2)[0]);
        }
        return 0;
    }

    public static int dump(String[] args, PrintStream out, PrintStream err) {
        String pid = null;
        boolean json = false;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = true;
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                file = Paths.get(args[++i]);
            } else if (pid == null && !args[i].startsWith("-")) {
                pid = args[i];
            } else {
                err.println("leakwatch dump: unexpected argument '" + args[i]
                        + "'; usage: dump <pid> [--json] [--out file]");
                return 2;
            }
        }
        if (pid == null) {
            err.println(
                    "leakwatch dump: which JVM? usage: dump <pid> [--json] [--out file] (leakwatch list shows the pids)");
            return 2;
        }
        String operation = json ? "dumpJson" : "dump";
        try {
            String id = checkPid(pid);
            String text = withVm(id, vm -> {
                if (vm.getSystemProperties().getProperty(Management.VERSION_PROPERTY) == null) {
                    throw new Failure("leakwatch is not loaded in JVM " + id + " (" + mainClass(vm)
                            + "): start it with -javaagent:" + agentJar() + ", or load it now with: leakwatch attach "
                            + id);
                }
                return invoke(vm, operation);
            });
            if (file != null) {
                Files.writeString(file, text, StandardCharsets.UTF_8);
                out.println("leakwatch dump of JVM " + id + " written to " + file.toAbsolutePath());
            } else {
                out.print(text);
            }
            return 0;
        } catch (Failure e) {
            err.println("leakwatch dump: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("leakwatch dump: cannot write " + file + ": " + e);
            return 1;
        }
    }

    public static int attach(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args.length > 2 || args[0].startsWith("-")) {
            err.println("leakwatch attach: usage: attach <pid> [key=value,...]");
            return 2;
        }
        String options = args.length == 2 ? absoluteReport(args[1]) : "";
        try {
            // Refused here rather than in the target, where a bad option can only be reported back second-hand.
            Options.parse(options);
        } catch (Options.OptionException e) {
            err.println(e.getMessage());
            return 2;
        }
        try {
            String id = checkPid(args[0]);
            String jar = agentJar();
            String loaded = withVm(id, vm -> {
                Properties before = vm.getSystemProperties();
                String version = before.getProperty(Management.VERSION_PROPERTY);
                if (version != null) {
                    throw new Failure("leakwatch " + version + " is already loaded in JVM " + id
                            + "; its options cannot be changed" + " (the threshold can, through JMX: setThreshold)");
                }
                try {
                    vm.loadAgent(jar, options);
                } catch (AgentLoadException | AgentInitializationException e) {
                    String why = vm.getSystemProperties().getProperty(Management.ERROR_PROPERTY);
                    throw new Failure("the agent did not start in JVM " + id + ": "
                            + (why != null ? why : e.getMessage()) + " (the JVM itself runs on)");
                }
                String after = vm.getSystemProperties().getProperty(Management.VERSION_PROPERTY);
                if (after == null) {
                    String why = vm.getSystemProperties().getProperty(Management.ERROR_PROPERTY);
                    throw new Failure("the agent did not start in JVM " + id
                            + (why == null ? "; see its stderr" : ": " + why) + " (the JVM itself runs on)");
                }
                return after;
            });
            out.println("leakwatch " + loaded + " loaded into JVM " + id + (options.isEmpty() ? "" : " with " + options)
                    + "; handles opened before now are unknown to it. Its log goes to that JVM's stderr.");
            return 0;
        } catch (Failure e) {
            err.println("leakwatch attach: " + e.getMessage());
            return 1;
        }
    }

    /** A relative report= path means one in the directory where this command runs, not the target's. */
    static String absoluteReport(String options) {
        List<String> parts = new ArrayList<>();
        for (String part : options.split(",", -1)) {
            String p = part.trim();
            if (p.startsWith("report=") && p.length() > "report=".length()) {
                String value = p.substring("report=".length());
                String abs = Paths.get(value).toAbsolutePath().toString();
                p = "report=" + abs + (value.endsWith("/") && !abs.endsWith("/") ? "/" : "");
            }
            parts.add(p);
        }
        return String.join(",", parts);
    }

    /** The clear errors the attach API does not give: no such process, someone else's, not a JVM. */
    static String checkPid(String pid) throws Failure {
        long n;
        try {
            n = Long.parseLong(pid);
        } catch (NumberFormatException e) {
            throw new Failure("'" + pid + "' is not a process id (leakwatch list shows the JVMs)");
        }
        Optional<ProcessHandle> process = ProcessHandle.of(n);
        if (process.isEmpty() || !process.get().isAlive()) {
            throw new Failure("no such process: " + pid);
        }
        String me = System.getProperty("user.name");
        Optional<String> owner = process.get().info().user();
        if (owner.isPresent() && !owner.get().equals(me) && !me.equals("root")) {
            throw new Failure("process " + pid + " belongs to user " + owner.get() + ", not " + me
                    + ": the attach API only reaches JVMs of the same user; run leakwatch as " + owner.get()
                    + " (sudo -u " + owner.get() + " ...)");
        }
        return pid;
    }

    interface VmCall<T> {
        T apply(VirtualMachine vm) throws Failure, IOException;
    }

    static <T> T withVm(String pid, VmCall<T> call) throws Failure {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException e) {
            throw new Failure(attachFailure(pid, e));
        } catch (IOException e) {
            throw new Failure(attachFailure(pid, e));
        } catch (SecurityException e) {
            throw new Failure("not permitted to attach to JVM " + pid + ": " + e.getMessage());
        }
        try {
            return call.apply(vm);
        } catch (IOException e) {
            throw new Failure("lost the connection to JVM " + pid + ": " + e);
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // detached anyway when this process ends
            }
        }
    }

    private static String attachFailure(String pid, Exception e) {
        String message = String.valueOf(e.getMessage());
        if (isAttachDisabled(pid)) {
            return "JVM " + pid
                    + " was started with -XX:+DisableAttachMechanism: nothing can attach to it; restart it with"
                    + " -javaagent:" + agentJar() + " instead";
        }
        if (message.contains("Permission denied")
                || message.contains("Operation not permitted")
                || message.contains("well-known file")) {
            return "cannot attach to JVM " + pid + " (" + message + "): it probably runs as another user or in another"
                    + " container; run leakwatch as that user, in the same container";
        }
        if (e instanceof AttachNotSupportedException) {
            return "process " + pid + " is not a JVM that can be attached to (" + message + ")";
        }
        return "cannot attach to JVM " + pid + ": " + message;
    }

    /** HotSpot publishes its flags in its perf data; the attach API only says it could not attach. */
    private static boolean isAttachDisabled(String pid) {
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (d.id().equals(pid)) {
                return false;
            }
        }
        try {
            Optional<String[]> args =
                    ProcessHandle.of(Long.parseLong(pid)).flatMap(p -> p.info().arguments());
            if (args.isPresent()) {
                for (String a : args.get()) {
                    if (a.equals("-XX:+DisableAttachMechanism")) {
                        return true;
                    }
                }
                return false;
            }
        } catch (RuntimeException e) {
            // unknown
        }
        // On Linux the JDK gives no arguments for a command line longer than a page (a long class path): read it.
        try {
            String cmdline = new String(Files.readAllBytes(Paths.get("/proc", pid, "cmdline")), StandardCharsets.UTF_8);
            return List.of(cmdline.split("\0")).contains("-XX:+DisableAttachMechanism");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String shortReason(String message) {
        if (message.contains("DisableAttachMechanism")) {
            return "attach disabled";
        }
        if (message.contains("another user")) {
            return "another user";
        }
        return message.length() > 60 ? message.substring(0, 60) + "..." : message;
    }

    private static String mainClass(VirtualMachine vm) throws IOException {
        String command = vm.getSystemProperties().getProperty("sun.java.command", "");
        return command.isEmpty() ? "main class unknown" : command.split(" ", 2)[0];
    }

    /**
     * Calls an operation of the target's MXBean through its local JMX connector, started if it is not yet. The
     * connector's address comes from the target JVM itself over the attach API (same OS user, local only), never
     * from user input, which is what BanJNDI guards against.
     */
    @SuppressWarnings("BanJNDI")
    private static String invoke(VirtualMachine vm, String operation) throws Failure, IOException {
        JMXServiceURL url = new JMXServiceURL(vm.startLocalManagementAgent());
        try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName name = objectName();
            long deadline = System.currentTimeMillis() + MBEAN_WAIT_MILLIS;
            while (true) {
                try {
                    return (String) server.invoke(name, operation, new Object[0], new String[0]);
                } catch (InstanceNotFoundException e) {
                    // registered by the agent shortly after the JMX agent created the MBean server
                    if (System.currentTimeMillis() > deadline) {
                        throw new Failure("leakwatch runs in JVM " + vm.id() + " but its MXBean "
                                + Management.OBJECT_NAME + " is not registered (see that JVM's log)");
                    }
                    sleep(200);
                } catch (javax.management.JMException e) {
                    throw new Failure(operation + " failed in JVM " + vm.id() + ": " + e);
                }
            }
        }
    }

    private static ObjectName objectName() {
        try {
            return new ObjectName(Management.OBJECT_NAME);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) throws Failure {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    static String agentJar() {
        try {
            return new File(Attach.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .getPath();
        } catch (Exception e) {
            return "leakwatch-agent.jar";
        }
    }
}
