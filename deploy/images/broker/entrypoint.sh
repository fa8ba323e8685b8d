#!/bin/bash
# Writes server.properties (unless one is mounted at /etc/kafka/server.properties), formats the KRaft
# storage once, then runs the broker under run-jvm (SIGTERM: a clean stop exits 0).
# Settings from the environment: KAFKA_CFG_<NAME>=value sets <name> (lower case, '_' -> '.'), e.g.
# KAFKA_CFG_ADVERTISED_LISTENERS=PLAINTEXT://broker:9092. KAFKA_CLUSTER_ID fixes the cluster id.
set -euo pipefail
config=/etc/kafka/server.properties
if [[ ! -f "$config" || -w "$config" ]]; then
  declare -A settings=(
    [process.roles]=broker,controller
    [node.id]=1
    [controller.quorum.voters]=1@localhost:9093
    [controller.listener.names]=CONTROLLER
    [listeners]=PLAINTEXT://:9092,CONTROLLER://localhost:9093
    [advertised.listeners]=PLAINTEXT://localhost:9092
    [inter.broker.listener.name]=PLAINTEXT
    [listener.security.protocol.map]=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT
    [log.dirs]=/var/lib/kafka/data
    [num.partitions]=1
    [default.replication.factor]=1
    [min.insync.replicas]=1
    [auto.create.topics.enable]=false
    [offsets.topic.replication.factor]=1
    [transaction.state.log.replication.factor]=1
    [transaction.state.log.min.isr]=1
    [share.coordinator.state.topic.replication.factor]=1
    [share.coordinator.state.topic.min.isr]=1
    [group.initial.rebalance.delay.ms]=0
  )
  while IFS='=' read -r name value; do
    key="${name#KAFKA_CFG_}"
    key="${key,,}"
    settings[${key//_/.}]="$value"
  done < <(env | grep '^KAFKA_CFG_' || true)
  : > "$config"
  for key in "${!settings[@]}"; do
    echo "$key=${settings[$key]}" >> "$config"
  done
fi
classpath='/opt/kafka/lib/*'
logging=-Dlog4j2.configurationFile=/opt/kafka/log4j2.xml
data_dir="$(sed -n 's/^log\.dirs=//p' "$config" | cut -d, -f1)"
if [[ ! -f "$data_dir/meta.properties" ]]; then
  java -Xmx256m "$logging" -cp "$classpath" kafka.tools.StorageTool format \
    --cluster-id "${KAFKA_CLUSTER_ID:-$(java -cp "$classpath" kafka.tools.StorageTool random-uuid)}" \
    --config "$config" --ignore-formatted
fi
exec /usr/local/bin/run-jvm java -XX:MaxRAMPercentage=50 "$logging" \
  -javaagent:/opt/kafka/jmx_prometheus_javaagent.jar=9404:/opt/kafka/jmx-exporter.yaml \
  -cp "$classpath" kafka.Kafka "$config"
