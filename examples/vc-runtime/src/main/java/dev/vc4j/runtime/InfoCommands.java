package dev.vc4j.runtime;

import dev.vc4j.ContainerStats;
import dev.vc4j.GuestProcess;
import dev.vc4j.oci.OciProcess;
import dev.vc4j.oci.Root;
import dev.vc4j.oci.Spec;
import dev.vc4j.oci.State;
import dev.vc4j.oci.User;
import dev.vc4j.runtime.ShimProtocol.Request;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** state, list, ps, events, features and spec: what runc prints, as runc prints it. */
final class InfoCommands {

    private InfoCommands() {}

    /** The OCI state of a container, with runc's extra members (rootfs, created, owner). */
    static State state(RuntimeRecord record) {
        String status = record.effectiveStatus();
        long pid = RuntimeRecord.STOPPED.equals(status) ? 0 : record.shimPid();
        Map<String, Object> runcMembers = new LinkedHashMap<>();
        runcMembers.put("rootfs", record.rootfs());
        runcMembers.put("created", record.created());
        runcMembers.put("owner", "");
        // the constructor, not the reflective builder: state is the call engines make most
        return new State(
                VcRuntime.OCI_VERSION,
                record.id(),
                status,
                pid,
                record.bundle(),
                record.annotations().isEmpty() ? null : record.annotations(),
                runcMembers);
    }

    /**
     * The state as runc prints it: the OCI members, then runc's own (rootfs, created, owner); absent ones left out.
     */
    static Map<String, Object> json(State state) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("ociVersion", state.ociVersion());
        members.put("id", state.id());
        members.put("status", state.status());
        members.put("pid", state.pid());
        members.put("bundle", state.bundle());
        if (state.annotations() != null) {
            members.put("annotations", state.annotations());
        }
        members.putAll(state.otherFields());
        return members;
    }

    static int printState(VcRuntime runtime, Arguments arguments) {
        System.out.println(RuntimeJson.pretty(
                json(state(runtime.root().load(arguments.positionals().get(0))))));
        return 0;
    }

    static final Flags LIST_FLAGS =
            new Flags().value("format", "f", "FORMAT", "table or json.").bool("quiet", "q", "Only the ids.");

    static int list(VcRuntime runtime, Arguments arguments) {
        boolean json = format(arguments);
        RuntimeRoot root = runtime.root();
        List<State> states = new ArrayList<>();
        for (String id : root.ids()) {
            root.read(id).map(InfoCommands::state).ifPresent(states::add); // one deleted meanwhile is left out
        }
        if (arguments.flag("quiet")) {
            states.forEach(s -> System.out.println(s.id()));
        } else if (json) {
            System.out.println(
                    RuntimeJson.line(states.stream().map(InfoCommands::json).toList()));
        } else {
            System.out.printf("%-12s%-12s%-12s%-12s%-32s%s%n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
            for (State s : states) {
                System.out.printf(
                        "%-12s%-12d%-12s%-12s%-32s%s%n",
                        s.id(), s.pid(), s.status(), s.bundle(), s.otherFields().get("created"), "root");
            }
        }
        return 0;
    }

    /** Whether {@code --format} asks for json rather than the table. */
    private static boolean format(Arguments arguments) {
        return arguments.choice("format", "table", List.of("table", "json")).equals("json");
    }

    static final Flags PS_FLAGS = new Flags().value("format", "f", "FORMAT", "table or json.");

    /** ps: the container's processes, their pids in the VM; ps's own arguments after the id are accepted. */
    static int ps(VcRuntime runtime, Arguments arguments) {
        boolean json = format(arguments);
        String id = arguments.positionals().get(0);
        List<GuestProcess> processes = ControlCommands.callShim(
                        runtime, ControlCommands.live(runtime, id), Request.of("ps"))
                .processes();
        if (json) {
            System.out.println(
                    RuntimeJson.line(processes.stream().map(GuestProcess::pid).toList()));
        } else {
            System.out.printf("%8s %s%n", "PID", "CMD");
            processes.forEach(p -> System.out.printf("%8d %s%n", p.pid(), p.command()));
        }
        return 0;
    }

    /** One line of {@code events}: runc's envelope around vc4j's counters. */
    record Event(String type, String id, ContainerStats data) {}

    static final Flags EVENTS_FLAGS = new Flags()
            .bool("stats", null, "Print the usage once and exit.")
            .value("interval", null, "DURATION", "Between two lines (default: 5s).");

    /** events: the container's resource usage as JSON, every --interval. */
    static final class Events {
        private Events() {}

        static int run(VcRuntime runtime, Arguments arguments) throws InterruptedException {
            String id = arguments.positionals().get(0);
            Duration every = duration(arguments.value("interval").orElse("5s"));
            while (true) {
                RuntimeRecord record = runtime.root().load(id);
                if (RuntimeRecord.STOPPED.equals(record.effectiveStatus())) {
                    throw new RuntimeFailure("container with id " + id + " is not running");
                }
                ContainerStats usage = ControlCommands.callShim(runtime, record, Request.of("stats"))
                        .stats();
                System.out.println(RuntimeJson.line(new Event("stats", id, usage)));
                if (arguments.flag("stats")) {
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

    static int features() {
        System.out.println(RuntimeJson.pretty(new Features(
                "1.0.0",
                VcRuntime.OCI_VERSION,
                List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"),
                Map.of(
                        "namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "user", "uts"),
                        "cgroup", Map.of("v1", false, "v2", true, "systemd", false)),
                Map.of("dev.vc4j.runtime.isolation", "vm"))));
        return 0;
    }

    static final Flags SPEC_FLAGS = new Flags()
            .value("bundle", "b", "DIR", "The bundle directory (default: the current one).")
            .bool("rootless", null, "Accepted for runc compatibility: the VM is the boundary.");

    static int spec(Arguments arguments) throws IOException {
        Path bundle = arguments.value("bundle").map(Path::of).orElse(Path.of("."));
        Path config = bundle.resolve("config.json");
        if (Files.exists(config)) {
            throw new RuntimeFailure("File " + config + " exists. Remove it first");
        }
        Files.writeString(config, startingSpec().toJson());
        return 0;
    }

    /** runc's starting config: a terminal running sh in a read-only rootfs directory beside config.json. */
    static Spec startingSpec() {
        return Spec.defaults("vc-runtime").toBuilder()
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
    }
}
