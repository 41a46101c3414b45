package io.leakwatch.maven;

import io.leakwatch.agent.report.ReportModel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;

/** The JSON reports the test JVMs of one module wrote, read with the agent's own strict parser. */
final class Reports {
    private Reports() {}

    /** One report file and what it says. */
    static final class Entry {
        final Path file;
        final ReportModel model;
        /** Where its JUnit XML goes: Surefire's or Failsafe's reports directory. */
        final File junitDir;

        Entry(Path file, ReportModel model, File junitDir) {
            this.file = file;
            this.model = model;
            this.junitDir = junitDir;
        }

        /** leakwatch-1234 for leakwatch-1234.json. */
        String baseName() {
            String name = file.getFileName().toString();
            return name.substring(0, name.length() - ".json".length());
        }
    }

    /** The reports in {@code dir}, sorted by name; a file that cannot be read is a build error naming it. */
    static List<Entry> read(File dir, File junitDir) throws MojoExecutionException {
        List<Entry> entries = new ArrayList<>();
        if (!dir.isDirectory()) {
            return entries;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.toPath(), "leakwatch-*.json")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new MojoExecutionException("leakwatch: cannot list the reports in " + dir + ": " + e, e);
        }
        files.sort(null);
        for (Path file : files) {
            try {
                entries.add(
                        new Entry(file, ReportModel.parse(Files.readString(file, StandardCharsets.UTF_8)), junitDir));
            } catch (IOException | RuntimeException e) {
                String why = e instanceof ReportModel.ReportException ? e.getMessage() : e.toString();
                throw new MojoExecutionException(
                        "leakwatch: cannot read the report " + file + ": " + why
                                + " (delete it, or run the tests again to rewrite it)",
                        e);
            }
        }
        return entries;
    }
}
