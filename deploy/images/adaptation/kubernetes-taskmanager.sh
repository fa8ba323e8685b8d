#!/bin/bash
# A TaskManager of Flink's native Kubernetes integration: the JobManager's resource manager starts
# it as `bash -c "$FLINK_HOME/bin/kubernetes-taskmanager.sh -Dkey=value ..."`, the arguments holding
# its memory pools, and FLINK_TM_JVM_MEM_OPTS its JVM memory options.
#   kubernetes-taskmanager.sh [-Dkey=value ...]
set -euo pipefail
. "$(dirname "$0")/flink.sh"
args=("${flink_properties[@]}" "$@")
if [[ -n "${FLINK_TM_JVM_MEM_OPTS:-}" ]]; then
  # shellcheck disable=SC2206
  flink_jvm_memory=($FLINK_TM_JVM_MEM_OPTS)
else
  flink_resource_params GET_TM_RESOURCE_PARAMS "${args[@]}"
  args+=("${flink_memory_properties[@]}")
fi
flink_exec org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner \
  --configDir "$FLINK_CONF_DIR" "${args[@]}"
