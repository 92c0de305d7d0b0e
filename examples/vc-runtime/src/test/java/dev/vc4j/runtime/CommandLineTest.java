package dev.vc4j.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line without a VM: runc's messages and exit codes for bad input, the JSON log, and that a create
 * refused for its input leaves nothing under --root.
 */
class CommandLineTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("--root", tmp.resolve("root").toString()));
        all.addAll(List.of(args));
        return VcRuntime.execute(all.toArray(String[]::new));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownIdIsRuncsErrorWithExitCode1() {
        assertEquals(1, run("state", "ghost"));
        assertEquals("container \"ghost\" does not exist\n", stderr());
    }

    @Test
    void errorsGoToTheJsonLogAsRuncsLinesAndToStderr() throws IOException {
        Path log = tmp.resolve("log.json");
        assertEquals(1, run("--log", log.toString(), "--log-format", "json", "delete", "--force", "ghost"));
        String line = Files.readString(log).strip();
        assertTrue(
                line.matches("\\{\"level\":\"error\",\"msg\":\"container \\\\\"ghost\\\\\" does not exist\","
                        + "\"time\":\"[0-9-]+T[0-9:]+Z\"}"),
                line);
        assertEquals("container \"ghost\" does not exist\n", stderr());
    }

    @Test
    void anUnknownSignalIsNamed() {
        assertEquals(1, run("kill", "c1", "SIGNOPE"));
        assertEquals("unknown signal \"SIGNOPE\"\n", stderr());
    }

    @Test
    void aBundleWithoutConfigJsonIsRefusedAndLeavesNothing() throws IOException {
        Path bundle = Files.createDirectories(tmp.resolve("empty-bundle"));
        assertEquals(1, run("create", "--bundle", bundle.toString(), "c1"));
        assertTrue(stderr().contains("config.json"), stderr());
        assertTrue(stderr().contains("no such file"), stderr());
        assertFalse(Files.exists(tmp.resolve("root/c1")));
    }

    @Test
    void aPidFileInAMissingDirectoryIsRefusedBeforeAnythingStarts() throws IOException {
        Path bundle = bundle();
        Path pidFile = tmp.resolve("no-such-dir/c1.pid");
        assertEquals(1, run("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), "c1"));
        assertEquals(
                "cannot write the pid file " + pidFile + ": the directory " + pidFile.getParent() + " does not exist\n",
                stderr());
        assertFalse(Files.exists(tmp.resolve("root/c1")));
    }

    @Test
    void createOfAnExistingIdExits1() throws IOException {
        Files.createDirectories(tmp.resolve("root/c1"));
        assertEquals(1, run("create", "--bundle", bundle().toString(), "c1"));
        assertEquals("container with given ID already exists\n", stderr());
    }

    @Test
    void anExecProcessThatIsNotJsonNamesTheFileAndPosition() throws IOException {
        Path process = Files.writeString(tmp.resolve("process.json"), "{\"args\": [\"sh\",\n  oops]}");
        assertEquals(1, run("exec", "--process", process.toString(), "c1"));
        assertTrue(stderr().startsWith("process file " + process + ": invalid process `line 2, column "), stderr());
        assertTrue(stderr().contains("is not valid JSON"), stderr());
    }

    @Test
    void listIsEmptyWithoutContainers() {
        assertEquals(0, run("list", "-q"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("list", "--format", "json"));
        assertEquals("[]\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void specWritesABundleConfigThatCreateAccepts() throws IOException {
        assertEquals(0, run("spec", "--bundle", tmp.toString()));
        assertTrue(Files.readString(tmp.resolve("config.json")).contains("\"args\":[\"sh\"]"));
        assertEquals(1, run("spec", "--bundle", tmp.toString()));
        assertEquals("File " + tmp.resolve("config.json") + " exists. Remove it first\n", stderr());
    }

    @Test
    void anUnknownFlagIsNamed() {
        assertEquals(1, run("delete", "--nope", "c1"));
        assertEquals("flag provided but not defined: --nope\n", stderr());
    }

    @Test
    void aMissingIdIsRuncsArgumentCountError() {
        assertEquals(1, run("state"));
        assertEquals("vc-runtime: \"state\" requires exactly 1 argument(s)\n", stderr());
    }

    @Test
    void flagsAfterTheIdAreArgumentsAsInRunc() {
        assertEquals(1, run("delete", "c1", "--force"));
        assertEquals("vc-runtime: \"delete\" requires exactly 1 argument(s)\n", stderr());
    }

    @Test
    void aFlagValueOutsideItsChoicesIsNamed() {
        assertEquals(1, run("list", "--format", "yaml"));
        assertEquals("invalid value \"yaml\" for flag --format: one of table, json\n", stderr());
    }

    @Test
    void anUnknownCommandIsRefused() {
        assertEquals(1, run("frobnicate", "c1"));
        assertEquals("No help topic for 'frobnicate'\n", stderr());
    }

    @Test
    void versionAndACommandsHelpExit0() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("vc-runtime version "));
        assertEquals(0, run("kill", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("vc-runtime kill [command options] <container-id> [signal]"), help);
        assertTrue(help.contains("--all, -a"), help);
    }

    @Test
    void theLastValueOfARepeatedFlagCounts() throws IOException {
        Path first = Files.createDirectories(tmp.resolve("first"));
        Path second = Files.createDirectories(tmp.resolve("second"));
        assertEquals(0, run("spec", "--bundle", first.toString(), "-b", second.toString()));
        assertFalse(Files.exists(first.resolve("config.json")));
        assertTrue(Files.exists(second.resolve("config.json")));
    }

    @Test
    void theCdsTrainingRunsEveryCommandItNamesAndLeavesNothing() throws IOException {
        CdsTraining.main(new String[] {tmp.toString()});
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** A bundle that reads: a config with a process and a rootfs directory. */
    private Path bundle() throws IOException {
        Path bundle = Files.createDirectories(tmp.resolve("bundle"));
        Files.createDirectories(bundle.resolve("rootfs"));
        assertEquals(0, run("spec", "--bundle", bundle.toString()));
        return bundle;
    }
}
