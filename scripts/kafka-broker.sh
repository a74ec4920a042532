#!/usr/bin/env bash
# A single-node KRaft Kafka broker as a plain background process, for running Komo Sync by hand in
# kafka feed mode (KOMO_FEED_MODE=kafka), several replicas on one machine, or restart tests — no Docker.
#
# Usage:
#   scripts/kafka-broker.sh start    # fetch jars once, format storage once, start, wait for the port
#   scripts/kafka-broker.sh status   # running or not, with pid and bootstrap address
#   scripts/kafka-broker.sh stop     # stop the broker and wait for it to exit
#
# Environment:
#   KAFKA_PORT             client (PLAINTEXT) port, default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port, default 9093
#   KAFKA_START_TIMEOUT    seconds to wait for the client port, default 90
#   KAFKA_MVN_OFFLINE=1    fetch with `mvn -o` (when the jars are already in ~/.m2)
#
# Everything lives in .kafka/ under the repository (git-ignored): lib/ (jars from Maven Central),
# data/ (log dirs), server.properties, log4j2.properties, kafka.log and kafka.pid.
# After `start`, point the app at it: KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:${KAFKA_PORT:-9092}.
#
# Tools that come with the jars (kafka-tools is fetched too), e.g.:
#   java -cp '.kafka/lib/*' org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
set -euo pipefail

KAFKA_VERSION=4.1.1
LOG4J_VERSION=2.24.3

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kafka_dir="$repo_root/.kafka"
lib_dir="$kafka_dir/lib"
data_dir="$kafka_dir/data"
pid_file="$kafka_dir/kafka.pid"
log_file="$kafka_dir/kafka.log"
server_properties="$kafka_dir/server.properties"
log4j_properties="$kafka_dir/log4j2.properties"
# Written last by fetch_jars, so a download that was interrupted is redone instead of reused.
fetch_complete_marker="$lib_dir/.fetched-$KAFKA_VERSION"

client_port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
start_timeout="${KAFKA_START_TIMEOUT:-90}"

broker_pid() {
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid="$(cat "$pid_file")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

fetch_jars() {
    if [[ -f "$fetch_complete_marker" ]]; then
        return
    fi
    echo "Fetching Kafka $KAFKA_VERSION jars into $lib_dir ..."
    mkdir -p "$kafka_dir"
    # kafka_2.13 carries the broker and StorageTool; kafka-tools the topic/console tools; Kafka 4.1 logs
    # through slf4j 1.7, so the log4j 2 binding is log4j-slf4j-impl (not the slf4j2 one).
    cat >"$kafka_dir/fetch-pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.komo.sync.local</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
    local offline=()
    [[ "${KAFKA_MVN_OFFLINE:-}" == 1 ]] && offline=(-o)
    rm -rf "$lib_dir"
    mvn "${offline[@]}" -q -B -Dstyle.color=never -f "$kafka_dir/fetch-pom.xml" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib_dir"
    touch "$fetch_complete_marker"
}

write_config() {
    mkdir -p "$data_dir"
    cat >"$server_properties" <<EOF
# Written by scripts/kafka-broker.sh; edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$client_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$client_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir
# One broker: internal topics must not ask for more replicas than exist, or the consumer group never forms.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
# Several partitions so several app replicas share the change feed (keyed by contact id).
num.partitions=3
EOF
    cat >"$log4j_properties" <<EOF
# Only warnings: the broker's INFO output is large and the log is for diagnosing a failed start.
appender.file.type=File
appender.file.name=file
appender.file.fileName=$log_file
appender.file.append=true
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
EOF
}

kafka_java() {
    java -Xmx512m -Dlog4j2.configurationFile="$log4j_properties" -cp "$lib_dir/*" "$@"
}

format_storage_once() {
    # meta.properties exists once the log dir is formatted; formatting again would refuse or wipe it.
    if [[ -f "$data_dir/meta.properties" ]]; then
        return
    fi
    local cluster_id
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid | tail -n 1)"
    # With controller.quorum.voters set (a static quorum) plain `format` is right; --standalone is
    # only for a dynamic quorum configured with controller.quorum.bootstrap.servers.
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$server_properties" >>"$log_file" 2>&1 || {
        echo "Formatting the storage in $data_dir failed:" >&2
        tail -n 30 "$log_file" >&2
        exit 1
    }
}

start() {
    local pid
    if pid="$(broker_pid)"; then
        echo "Kafka is already running (pid $pid) on 127.0.0.1:$client_port"
        return
    fi
    if port_open "$client_port" || port_open "$controller_port"; then
        echo "Port $client_port or $controller_port is taken by another process; set KAFKA_PORT / KAFKA_CONTROLLER_PORT." >&2
        exit 1
    fi
    fetch_jars
    write_config
    format_storage_once
    echo "--- start $(date -u +%FT%TZ)" >>"$log_file"
    # setsid detaches the broker from this shell's process group, so Ctrl-C in the caller leaves it running.
    setsid java -Xmx512m -Dlog4j2.configurationFile="$log4j_properties" -cp "$lib_dir/*" \
        kafka.Kafka "$server_properties" >>"$log_file" 2>&1 </dev/null &
    echo $! >"$pid_file"
    pid="$(cat "$pid_file")"

    local waited=0
    until port_open "$client_port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "Kafka exited during start-up. Last lines of $log_file:" >&2
            tail -n 40 "$log_file" >&2
            rm -f "$pid_file"
            exit 1
        fi
        if ((waited >= start_timeout)); then
            echo "Kafka did not open 127.0.0.1:$client_port within ${start_timeout}s. Last lines of $log_file:" >&2
            tail -n 40 "$log_file" >&2
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "Kafka started (pid $pid) on 127.0.0.1:$client_port after ${waited}s; log: $log_file"
}

stop() {
    local pid
    if ! pid="$(broker_pid)"; then
        echo "Kafka is not running"
        rm -f "$pid_file"
        return
    fi
    kill "$pid"
    # A controlled shutdown flushes the logs; give it time before forcing it.
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= 30)); then
            echo "Kafka (pid $pid) still running after 30s; killing it"
            kill -9 "$pid" 2>/dev/null || true
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$pid_file"
    echo "Kafka stopped (pid $pid)"
}

status() {
    local pid
    if pid="$(broker_pid)"; then
        echo "Kafka is running (pid $pid) on 127.0.0.1:$client_port"
    else
        echo "Kafka is not running"
        return 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "Usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
