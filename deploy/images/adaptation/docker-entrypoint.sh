#!/bin/bash
# The adaptation image's entrypoint, with the commands of Flink's own images' /docker-entrypoint.sh:
#   (no arguments) | embedded [KEY=VALUE ...]   the job's main in an embedded Flink MiniCluster
#   standalone-job [--job-classname CLASS] [-Dkey=value ...] [ARG ...]
#                                               a JobManager in application mode running the job of
#                                               usrlib; TaskManagers register with it
#   jobmanager [-Dkey=value ...]                a JobManager of a standalone session cluster
#   taskmanager [-Dkey=value ...]               a TaskManager of a standalone cluster
#   anything else                               run as it is: the Flink Kubernetes Operator's
#                                               `bash -c "$FLINK_HOME/bin/kubernetes-*.sh ..."`
# Flink settings: $FLINK_CONF_DIR/config.yaml, then FLINK_PROPERTIES, then -D arguments (see
# bin/flink.sh). Gatestream settings: /home/gatestream/gatestream.properties when mounted, then
# GATESTREAM_* variables, then KEY=VALUE job arguments. SIGTERM stops every mode cleanly (exit 0).
set -euo pipefail
. /opt/flink/bin/flink.sh
settings=/home/gatestream/gatestream.properties
job_class=dev.gatestream.adaptation.AdaptationJob
job_jar="$FLINK_HOME/usrlib/gatestream-adaptation-job.jar"

mode="${1:-embedded}"
# KEY=VALUE arguments alone (the image's first interface) mean the embedded job.
[[ "$mode" == *=* ]] && mode=embedded || shift $(( $# > 0 ? 1 : 0 ))

case "$mode" in
  embedded)
    job_args=()
    [[ -f "$settings" ]] && job_args+=("$settings")
    # JVM metrics on /metrics and health on /-/healthy (Prometheus JMX exporter) on 9405.
    exec /usr/local/bin/run-jvm java -XX:MaxRAMPercentage=75 "${flink_java_opts[@]}" \
      -javaagent:/opt/flink/jmx_prometheus_javaagent.jar=9405:/opt/flink/jmx-exporter.yaml \
      -Dlog4j.configurationFile="file:$FLINK_HOME/conf/log4j-console.properties" \
      -cp "$job_jar:$flink_classpath" "$job_class" "${job_args[@]}" "$@"
    ;;
  standalone-job)
    # Options (-D..., --job-classname, ...) first, then the job's arguments; without any, the
    # mounted settings file. The job class defaults to the adaptation job.
    properties=("${flink_properties[@]}")
    options=()
    while [[ $# -gt 0 && "$1" == -* ]]; do
      case "$1" in
        -D) properties+=("-D$2"); shift 2 ;;
        -D*) properties+=("$1"); shift ;;
        --job-classname | -j | --job-id | -jid | --fromSavepoint | -s | --jars | --host | -h | --webui-port | -r)
          options+=("$1" "$2"); shift 2 ;;
        *) options+=("$1"); shift ;;
      esac
    done
    [[ " ${options[*]} " == *" --job-classname "* || " ${options[*]} " == *" -j "* ]] \
      || options+=(--job-classname "$job_class")
    job_args=("$@")
    [[ ${#job_args[@]} -eq 0 && -f "$settings" ]] && job_args=("$settings")
    flink_resource_params GET_JM_RESOURCE_PARAMS "${properties[@]}"
    flink_exec org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint \
      --configDir "$FLINK_CONF_DIR" "${flink_memory_properties[@]}" "${properties[@]}" \
      "${options[@]}" "${job_args[@]}"
    ;;
  jobmanager)
    flink_resource_params GET_JM_RESOURCE_PARAMS "${flink_properties[@]}" "$@"
    flink_exec org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      --configDir "$FLINK_CONF_DIR" "${flink_memory_properties[@]}" "${flink_properties[@]}" "$@"
    ;;
  taskmanager)
    flink_resource_params GET_TM_RESOURCE_PARAMS "${flink_properties[@]}" "$@"
    flink_exec org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      --configDir "$FLINK_CONF_DIR" "${flink_memory_properties[@]}" "${flink_properties[@]}" "$@"
    ;;
  *)
    exec "$mode" "$@"
    ;;
esac
