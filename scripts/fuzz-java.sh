#!/bin/bash
# Fuzzes each JVM-side @FuzzTest (Jazzer) in turn: a plain `mvn verify` only replays their seeds
# (src/test/resources/.../<Class>Inputs). Each target runs for the maxDuration its annotation gives;
# FUZZ_JAVA_ROUNDS=N repeats every target N times, each round starting from the corpus the rounds before
# grew (<module>/.cifuzz-corpus, not in the tree). A finding fails the run and is kept as a new seed.
#
# Jazzer 0.24's fuzzing mode cannot start under JUnit 5.13 and later (its arguments provider predates
# JUnit's new provideArguments), so this run uses JUnit 5.12 on the classes `mvn verify` compiled.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${FUZZ_JAVA_ROUNDS:-1}
targets=(
	"vc-api dev.vc4j.oci.OciDocumentsFuzzTest#configJson"
	"vc-api dev.vc4j.oci.OciDocumentsFuzzTest#processJson"
	"vc-api dev.vc4j.oci.OciDocumentsFuzzTest#resourcesJson"
	"vc-storage dev.vc4j.storage.StoreFilesFuzzTest#storedFile"
	"vc-hypervisor-qemu dev.vc4j.qemu.QmpStreamFuzzTest#qemuSide"
	"vc-agent-client dev.vc4j.agent.AgentErrorsFuzzTest#failedCall"
)
log=$(mktemp -d /tmp/vc4j-fuzz-java.XXXXXX)
trap 'rm -rf "$log"' EXIT

for ((round = 1; round <= rounds; round++)); do
	for target in "${targets[@]}"; do
		read -r module test <<<"$target"
		out="$log/${test##*.}.log"
		echo "== fuzzing $test (round $round of $rounds)"
		if ! JAZZER_FUZZ=1 mvn -B -q -pl "$module" -am test -Djunit.version=5.12.2 -Dspotless.check.skip=true \
			-Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false >"$out" 2>&1; then
			grep -E 'FuzzTestFinding|Exception|ERROR' "$out" | head -n 40
			echo "fuzz: $test failed; the input is a new seed under $module/src/test/resources"
			exit 1
		fi
		grep -E '^Done [0-9]+ runs' "$out" || { tail -n 20 "$out"; echo "fuzz: $test did not fuzz"; exit 1; }
	done
done
