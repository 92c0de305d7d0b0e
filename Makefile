# vc4j: the two commands of the README.
#   make demo   set up the host, build everything, run a container from an OCI bundle in a sandbox (DEBUG=1: vc4j's debug log)
#   make test   set up the host, build everything, run all tests (C agent, Java unit and VM tests)
#   make bench  the benchmark: every figure against its floor, a table on stdout, bench/target/bench.json
#               (LONG=1: more rounds, longer JMH iterations, M2 over 20 sandboxes)
#   make fuzz-java  the JVM-side fuzz targets (make test runs them too; FUZZ_JAVA_ROUNDS=N fuzzes N times longer)
#   make format, make format-check   apply or check the Java (Spotless) and C (clang-format) formatting
#   make install  vc-runtime (the OCI runtime command line) on the PATH: PREFIX/bin/vc-runtime, its jars and
#                 class-data-sharing archive in PREFIX/lib/vc-runtime, the guest image in PREFIX/share/vc4j/guest
# Both are idempotent: a second run reuses what is built and up to date.

SHELL := /bin/bash
MVN ?= mvn -B -q
GUEST_DIR := $(CURDIR)/guest/image/build
export VC4J_GUEST_DIR := $(GUEST_DIR)

.PHONY: demo test bench install setup agent image java runtime-cds agent-test image-test fuzz-java format format-check format-check-c clean

# vc4j's log on stderr at INFO; make demo DEBUG=1 shows DEBUG (every QMP command and agent RPC)
demo: setup image java
	java -cp "$$(cat examples/target/classpath):examples/target/classes" dev.vc4j.examples.Demo $(if $(DEBUG),--debug)

# Not part of test: timings belong in benchmarks, which print ratios against a baseline run alongside.
bench: setup image java runtime-cds
	java -cp "$$(cat bench/target/classpath):bench/target/classes" -Dbench.json=bench/target/bench.json \
		dev.vc4j.bench.Bench $(if $(LONG),--long)

test: setup format-check-c agent-test image-test
	mvn -B -ntp -Dvc4j.guest.dir=$(GUEST_DIR) verify
	scripts/fuzz-java.sh

# The JVM-side fuzz targets (Jazzer), 20 s each; FUZZ_JAVA_ROUNDS=N for N times as long.
fuzz-java: java
	scripts/fuzz-java.sh

setup:
	scripts/setup-host.sh

PREFIX ?= /usr/local
RUNTIME_LIB := $(PREFIX)/lib/vc-runtime

# The CDS archive is written by the training run (CdsTraining) with the installed class path (it must match at use).
install: setup image java
	install -d $(PREFIX)/bin $(RUNTIME_LIB) $(PREFIX)/share/vc4j/guest
	rm -f $(RUNTIME_LIB)/*.jar $(RUNTIME_LIB)/*.jsa
	install -m 0644 examples/vc-runtime/target/lib/*.jar $(RUNTIME_LIB)/
	install -m 0755 examples/vc-runtime/bin/vc-runtime $(PREFIX)/bin/vc-runtime
	install -m 0644 $(GUEST_DIR)/vmlinux $(GUEST_DIR)/initrd.img $(PREFIX)/share/vc4j/guest/
	VC_RUNTIME_CDS_DUMP=$(RUNTIME_LIB)/vc-runtime.jsa VC_RUNTIME_SHIM_CDS_DUMP=$(RUNTIME_LIB)/vc-runtime-shim.jsa \
	    $(PREFIX)/bin/vc-runtime
	@echo "vc-runtime installed: $$(command -v vc-runtime || echo $(PREFIX)/bin/vc-runtime)"

agent:
	$(MAKE) -C guest/agent

agent-test: agent
	$(MAKE) -C guest/agent test

image: agent
	guest/image/build.sh --agent guest/agent/build/vc4j-agent --out $(GUEST_DIR)

image-test: image
	guest/image/boot-test.sh $(GUEST_DIR)

java:
	$(MVN) -DskipTests -DskipITs package

# The tree's vc-runtime gets the CDS archives an install writes (the commands', and the shim's from one container
# in a VM), so that the benchmark measures what an install runs.
RUNTIME_TREE_LIB := $(CURDIR)/examples/vc-runtime/target/lib
runtime-cds: image java
	rm -f $(RUNTIME_TREE_LIB)/*.jsa
	VC_RUNTIME_CDS_DUMP=$(RUNTIME_TREE_LIB)/vc-runtime.jsa VC_RUNTIME_SHIM_CDS_DUMP=$(RUNTIME_TREE_LIB)/vc-runtime-shim.jsa \
	    examples/vc-runtime/bin/vc-runtime

CLANG_FORMAT ?= clang-format-14
AGENT_SOURCES := $(wildcard guest/agent/*.[ch] guest/agent/tests/*.[ch] guest/agent/fuzz/*.c)

format:
	$(MVN) spotless:apply
	$(CLANG_FORMAT) -i $(AGENT_SOURCES)

# Non-zero on any difference. make test checks both: the C half first, the Java half in Maven's validate phase.
format-check: format-check-c
	$(MVN) spotless:check

format-check-c:
	@echo "$(CLANG_FORMAT) --dry-run --Werror guest/agent/..."
	@$(CLANG_FORMAT) --dry-run --Werror $(AGENT_SOURCES)

clean:
	$(MVN) clean
	$(MAKE) -C guest/agent clean
	rm -rf $(GUEST_DIR)
