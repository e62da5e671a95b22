#!/usr/bin/env bash
# Builds PumpTwin's container images from the project's installed jars, on a local Docker engine,
# pulling nothing from any image registry:
#   pumptwin/base-debian:bookworm   debootstrap --variant=minbase, imported (built once)
#   pumptwin/jre:17                 + a jlink'ed Java 17 runtime, non-root user, health helpers
#   pumptwin/telemetry-gateway, pumptwin/twin-engine, pumptwin/alerting (with the dashboard),
#   pumptwin/fleet-simulator, pumptwin/kafka (4.3.1, KRaft), pumptwin/schema-registry (Apicurio
#   2.6.13), each tagged with the project version and "latest".
# Needs: ./mvnw -B -DskipTests install first (the jars come from the local Maven repository),
# a Docker engine (DOCKER_HOST, or deploy/images/start-docker.sh's socket), and for the base image
# root and debootstrap. Idempotent: the base is built once; the JRE is jlink'ed again only when the
# JDK or the module list changes; other images are rebuilt from Docker's cache when nothing changed.
#   PUMPTWIN_IMAGE_TAG   tag (default: the project version)
#   DEBIAN_MIRROR        debootstrap mirror (default http://deb.debian.org/debian)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
images=deploy/images
work="$root/deploy/target/images"
m2="${PUMPTWIN_M2_REPO:-$HOME/.m2/repository}"
export DOCKER_HOST="${DOCKER_HOST:-unix:///run/pumptwin-docker/docker.sock}"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
tag="${PUMPTWIN_IMAGE_TAG:-$version}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# What the services, the Kafka broker and Apicurio (Quarkus) load from the JDK.
jre_modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.httpserver,jdk.security.auth,jdk.security.jgss
started=$(date +%s)
step() { printf '== images [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }
fail() { echo "images: $*" >&2; exit 1; }

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || fail "no Docker engine answers at $DOCKER_HOST (deploy/images/start-docker.sh starts one)"
mkdir -p "$work"

# --- 1. Debian base --------------------------------------------------------------------------
if docker image inspect pumptwin/base-debian:bookworm >/dev/null 2>&1; then
  step "base: pumptwin/base-debian:bookworm present"
else
  command -v debootstrap >/dev/null || fail "debootstrap not found (apt-get install debootstrap)"
  rootfs="$work/rootfs"
  for m in proc sys dev/pts dev; do mountpoint -q "$rootfs/$m" 2>/dev/null && umount "$rootfs/$m"; done
  rm -rf "$rootfs"
  step "base: debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
  # debootstrap can leave /proc mounted inside the tree.
  for m in proc sys dev/pts dev; do mountpoint -q "$rootfs/$m" && umount "$rootfs/$m"; done
  # Nothing in the images installs packages: package caches, lists, docs and locales go.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/tmp/*
  step "base: importing"
  tar --numeric-owner -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - pumptwin/base-debian:bookworm >/dev/null
  rm -rf "$rootfs"
fi

# --- 2. Java runtime -------------------------------------------------------------------------
java_bin="$(readlink -f "$(command -v java)")"
jlink_bin="$(dirname "$java_bin")/jlink"
[[ -x "$jlink_bin" ]] || fail "jlink not found next to $java_bin (a JDK 17 is needed, not a JRE)"
"$java_bin" -version 2>&1 | grep -q 'version "17' || fail "java on PATH is not Java 17"
jre_stamp="$("$java_bin" -version 2>&1 | head -2 | tr -d '\n') $jre_modules"
ctx="$work/jre"
if [[ ! -d "$ctx/runtime" || "$(cat "$ctx/stamp" 2>/dev/null)" != "$jre_stamp" ]]; then
  step "jre: jlink ($(echo "$jre_modules" | tr ',' '\n' | wc -l) modules)"
  rm -rf "$ctx" && mkdir -p "$ctx"
  "$jlink_bin" --add-modules "$jre_modules" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$ctx/runtime"
  echo "$jre_stamp" >"$ctx/stamp"
fi
cp "$images"/common/{http-ok,tcp-open,pumptwin,log4j2.xml} "$ctx/"
step "jre: docker build pumptwin/jre:17"
docker build -q --label io.pumptwin.image=jre -t pumptwin/jre:17 -f "$images/jre/Dockerfile" "$ctx" >/dev/null

# --- 3. Runtime classpaths of the services ---------------------------------------------------
modules=(telemetry-gateway twin-engine alerting dashboard fleet-simulator embedded deploy)
for m in "${modules[@]}"; do
  [[ -f "$m2/io/pumptwin/$m/$version/$m-$version.jar" ]] \
    || fail "$m $version is not installed in $m2: run ./mvnw -B -DskipTests install first"
done
step "jars: runtime classpaths (mvn dependency:build-classpath)"
pl="$(IFS=,; echo "${modules[*]}")"
cp_args=(-q -B -ntp -pl "$pl" dependency:build-classpath -Dmdep.outputFile=target/image-classpath.txt
  -DincludeScope=runtime)
./mvnw -o "${cp_args[@]}" >/dev/null 2>&1 || ./mvnw "${cp_args[@]}"

classpath() { tr ':' '\n' <"$1/target/image-classpath.txt" | grep -v '^$'; }

# RocksDB's jar carries native libraries for 15 platforms (71 MB); the images need one.
slim_rocksdb() {
  local lib="$1" jar
  jar="$(find "$lib" -maxdepth 1 -name 'rocksdbjni-*.jar' -print -quit)"
  [[ -n "$jar" && "$(uname -m)" == x86_64 ]] || return 0
  local name slim
  name="$(basename "$jar" .jar)"
  slim="$work/cache/$name-linux64.jar"
  if [[ ! -f "$slim" ]]; then
    local x="$work/cache/$name.x"
    rm -rf "$x" && mkdir -p "$x"
    (cd "$x" && unzip -q "$jar" && find . -maxdepth 1 -name 'librocksdbjni-*' ! -name 'librocksdbjni-linux64.so' -delete)
    "$(dirname "$java_bin")/jar" --create --file "$slim" --manifest "$x/META-INF/MANIFEST.MF" -C "$x" .
    rm -rf "$x"
  fi
  rm "$jar"
  cp "$slim" "$lib/$name.jar"
}

# lib/ of a service image: its modules' jars and runtime closures, the container entry points
# (deploy) and the logging backend.
service_lib() {
  local lib="$1"; shift
  rm -rf "$lib" && mkdir -p "$lib"
  for m in "$@"; do
    cp "$m2/io/pumptwin/$m/$version/$m-$version.jar" "$lib/"
    classpath "$m" | xargs -r cp -t "$lib/"
  done
  cp "$m2/io/pumptwin/deploy/$version/deploy-$version.jar" "$lib/"
  classpath deploy | grep -E '/log4j-(api|core|slf4j2-impl)-[^/]*\.jar$' | xargs -r cp -t "$lib/"
  slim_rocksdb "$lib"
}

build() {
  local name="$1" ctx="$work/$1"
  step "$name: docker build pumptwin/$name:$tag ($(du -sh "$ctx" | cut -f1) context)"
  docker build -q --label io.pumptwin.image="$name" --build-arg BASE=pumptwin/jre:17 -t "pumptwin/$name:$tag" -t "pumptwin/$name:latest" \
    -f "$images/$name/Dockerfile" "$ctx" >/dev/null
}

# --- 4. Service images -----------------------------------------------------------------------
mkdir -p "$work/cache"
# (One command a line: errexit does not apply inside a function called from an && list.)
service_lib "$work/telemetry-gateway/lib" telemetry-gateway
build telemetry-gateway
service_lib "$work/twin-engine/lib" twin-engine
build twin-engine
service_lib "$work/alerting/lib" alerting dashboard
build alerting
service_lib "$work/fleet-simulator/lib" fleet-simulator
build fleet-simulator

# --- 5. Kafka and the schema registry --------------------------------------------------------
lib="$work/kafka/lib"
rm -rf "$lib" && mkdir -p "$lib"
# The broker's closure comes with the embedded module's; PumpTwin's own jars stay out.
classpath embedded | grep -v '/io/pumptwin/' | xargs -r cp -t "$lib/"
classpath deploy | grep -E '/log4j-(api|core|slf4j2-impl)-[^/]*\.jar$' | xargs -r cp -t "$lib/"
cp "$images/kafka/kafka-start" "$work/kafka/"
build kafka

dist="$m2/io/apicurio/apicurio-registry-app/2.6.13.Final/apicurio-registry-app-2.6.13.Final-all.tar.gz"
[[ -f "$dist" ]] || fail "Apicurio distribution not in $m2 (the Maven build fetches it): $dist"
ctx="$work/schema-registry"
if [[ ! -f "$ctx/apicurio/apicurio-registry-app-2.6.13.Final-runner.jar" ]]; then
  step "schema-registry: unpacking $(basename "$dist")"
  rm -rf "$ctx/apicurio" && mkdir -p "$ctx/apicurio"
  tar -xzf "$dist" -C "$ctx/apicurio"
fi
cp "$images/schema-registry/registry-start" "$ctx/"
build schema-registry

# Earlier builds of these images, now untagged, go (only PumpTwin's, by label).
docker image prune -f --filter label=io.pumptwin.image >/dev/null
step "done"
docker images --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E "^pumptwin/.*:($tag|17|bookworm)\b" | sort
