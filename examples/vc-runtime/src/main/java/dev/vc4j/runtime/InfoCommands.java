package dev.vc4j.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vc4j.ContainerStats;
import dev.vc4j.GuestProcess;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Root;
import dev.vc4j.oci.Spec;
import dev.vc4j.oci.State;
import dev.vc4j.oci.User;
import dev.vc4j.runtime.ShimProtocol.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** state, list, ps, events, features and spec: what runc prints, as runc prints it. */
final class InfoCommands {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private InfoCommands() {}

    /** The OCI state of a container, with runc's extra members (rootfs, created, owner). */
    static State state(RuntimeRecord record) {
        String status = record.effectiveStatus();
        long pid = RuntimeRecord.STOPPED.equals(status) ? 0 : record.shimPid();
        Map<String, Object> runcMembers = new LinkedHashMap<>();
        runcMembers.put("rootfs", record.rootfs());
        runcMembers.put("created", record.created());
        runcMembers.put("owner", "");
        return State.builder()
                .ociVersion(VcRuntime.OCI_VERSION)
                .id(record.id())
                .status(status)
                .pid(pid)
                .bundle(record.bundle())
                .annotations(record.annotations().isEmpty() ? null : record.annotations())
                .otherFields(runcMembers)
                .build();
    }

    static void print(ObjectMapper mapper, Object value) {
        try {
            System.out.println(mapper.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    @Command(name = "state", description = "Print a container's OCI state as JSON.")
    static class StateCommand extends ContainerCommand {

        @Override
        public Integer call() {
            print(PRETTY, state(runtime.root().load(id)));
            return 0;
        }
    }

    @Command(name = "list", description = "List the containers under --root.")
    static class ListContainers implements Callable<Integer> {
        @ParentCommand
        VcRuntime runtime;

        @Option(
                names = {"--format", "-f"},
                description = "table or json.")
        Format format = Format.table;

        @Option(
                names = {"--quiet", "-q"},
                description = "Only the ids.")
        boolean quiet;

        @Override
        public Integer call() {
            RuntimeRoot root = runtime.root();
            List<State> states = new ArrayList<>();
            for (String id : root.ids()) {
                root.read(id).map(InfoCommands::state).ifPresent(states::add); // one deleted meanwhile is left out
            }
            if (quiet) {
                states.forEach(s -> System.out.println(s.id()));
            } else if (format == Format.json) {
                print(JSON, states);
            } else {
                System.out.printf("%-12s%-12s%-12s%-12s%-32s%s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                for (State s : states) {
                    System.out.printf(
                            "%-12s%-12d%-12s%-12s%-32s%s%n",
                            s.id(),
                            s.pid(),
                            s.status(),
                            s.bundle(),
                            s.otherFields().get("created"),
                            "root");
                }
            }
            return 0;
        }
    }

    enum Format {
        table,
        json
    }

    @Command(name = "ps", description = "List the container's processes (their pids in the VM).")
    static class Ps extends ContainerCommand {

        @Option(
                names = {"--format", "-f"},
                description = "table or json.")
        Format format = Format.table;

        @Parameters(index = "1..*", paramLabel = "PS-ARGS", description = "Accepted for runc compatibility.")
        List<String> psArgs;

        @Override
        public Integer call() {
            List<GuestProcess> processes = ControlCommands.callShim(
                            runtime, ControlCommands.live(runtime, id), Request.of("ps"))
                    .processes();
            if (format == Format.json) {
                print(JSON, processes.stream().map(GuestProcess::pid).toList());
            } else {
                System.out.printf("%8s %s%n", "PID", "CMD");
                processes.forEach(p -> System.out.printf("%8d %s%n", p.pid(), p.command()));
            }
            return 0;
        }
    }

    /** One line of {@code events}: runc's envelope around vc4j's counters. */
    record Event(String type, String id, ContainerStats data) {}

    @Command(name = "events", description = "Print the container's resource usage as JSON, every --interval.")
    static class Events extends ContainerCommand {

        @Option(names = "--stats", description = "Print the usage once and exit.")
        boolean stats;

        @Option(names = "--interval", description = "Between two lines (default: ${DEFAULT-VALUE}).")
        String interval = "5s";

        @Override
        public Integer call() throws InterruptedException {
            Duration every = duration(interval);
            while (true) {
                RuntimeRecord record = runtime.root().load(id);
                if (RuntimeRecord.STOPPED.equals(record.effectiveStatus())) {
                    throw new RuntimeFailure("container with id " + id + " is not running");
                }
                ContainerStats usage = ControlCommands.callShim(runtime, record, Request.of("stats"))
                        .stats();
                print(JSON, new Event("stats", id, usage));
                if (stats) {
                    return 0;
                }
                Thread.sleep(every.toMillis());
            }
        }

        /** {@code 5s}, {@code 500ms}, {@code 1m}: Go's durations, the common ones. */
        static Duration duration(String text) {
            var m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)").matcher(text.strip());
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw new RuntimeFailure("invalid --interval \"" + text + "\": a duration such as 5s, 500ms or 1m");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
    }

    /** What {@code features} reports. */
    record Features(
            String ociVersionMin,
            String ociVersionMax,
            List<String> hooks,
            Map<String, Object> linux,
            Map<String, String> annotations) {}

    @Command(name = "features", description = "Print what this runtime supports, as JSON.")
    static class FeaturesCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            print(
                    PRETTY,
                    new Features(
                            "1.0.0",
                            VcRuntime.OCI_VERSION,
                            List.of(
                                    "prestart",
                                    "createRuntime",
                                    "createContainer",
                                    "startContainer",
                                    "poststart",
                                    "poststop"),
                            Map.of(
                                    "namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "user", "uts"),
                                    "cgroup", Map.of("v1", false, "v2", true, "systemd", false)),
                            Map.of("dev.vc4j.runtime.isolation", "vm")));
            return 0;
        }
    }

    @Command(name = "spec", description = "Write a starting config.json into the bundle directory.")
    static class SpecCommand implements Callable<Integer> {
        @Option(
                names = {"--bundle", "-b"},
                description = "The bundle directory (default: the current one).")
        Path bundle = Path.of(".");

        @Option(names = "--rootless", description = "Accepted for runc compatibility: the VM is the boundary.")
        boolean rootless;

        @Override
        public Integer call() throws IOException {
            Path config = bundle.resolve("config.json");
            if (Files.exists(config)) {
                throw new RuntimeFailure("File " + config + " exists. Remove it first");
            }
            Spec spec = Spec.defaults("vc-runtime").toBuilder()
                    .root(Root.builder().path("rootfs").readonly(true).build())
                    .process(OciProcess.builder()
                            .terminal(true)
                            .user(User.builder().uid(0L).gid(0L).build())
                            .args("sh")
                            .env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm")
                            .cwd("/")
                            .noNewPrivileges(true)
                            .build())
                    .build();
            Files.writeString(config, spec.toJson());
            return 0;
        }
    }
}
