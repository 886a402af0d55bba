#!/usr/bin/env bash
# Staging benchmark: a 1 GiB file over FTP on loopback (FtpStager vs curl -T, same server) and to a local folder
# (FileStager vs cp, and vs cp + sha256sum). Needs curl and coreutils. Usage: bench/staging.sh [size in MiB, default 1024] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
runs=${2:-3}

mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"

work=$(mktemp -d /var/tmp/fbs-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$cp" bench/src/StagingBench.java
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/big.iso"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM," \
  "$(java -version 2>&1 | head -1), $(curl --version | head -1 | cut -d' ' -f1-2), $(date -u +%Y-%m-%dT%H:%MZ)"
java -Xmx512m -cp "$work/classes:$cp" -Dlogback.configurationFile=bench/src/quiet-logback.xml \
  StagingBench "$work/big.iso" "$work" "$runs"
