package io.leakwatch.it.safety;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.DriverManager;

/** Replaces the report's directory by a file, so writing the report fails, then exits with the given status. */
public final class VanishingReportApp {
    public static void main(String[] args) throws Exception {
        ShutdownApp.KEPT.add(DriverManager.getConnection("jdbc:h2:mem:vanish"));
        Path dir = Paths.get(args[0]);
        Files.delete(dir);
        Files.writeString(dir, "not a directory");
        System.exit(Integer.parseInt(args[1]));
    }
}
