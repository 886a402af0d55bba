#!/usr/bin/env bash
# Side repository from Koji: FBS's side-repo stage against sequential curl (see BENCHMARKS.md).
# Needs rpm (rpmbuild), createrepo-c and curl. Usage: bench/side-repo.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt > /dev/null
cp="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
rm -rf target/bench-classes
javac -d target/bench-classes -cp "$cp" bench/src/org/fbs/worker/SideRepoBench.java
java -cp "target/bench-classes:$cp" org.fbs.worker.SideRepoBench "${1:-5}"
