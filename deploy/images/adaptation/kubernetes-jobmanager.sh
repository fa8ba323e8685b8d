#!/bin/bash
# The JobManager of Flink's native Kubernetes integration (the Flink Kubernetes Operator starts it as
# `bash -c "$FLINK_HOME/bin/kubernetes-jobmanager.sh kubernetes-application"`).
#   kubernetes-jobmanager.sh kubernetes-application|kubernetes-session [-Dkey=value ...]
set -euo pipefail
. "$(dirname "$0")/flink.sh"
case "${1:-}" in
  kubernetes-application) main=org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint ;;
  kubernetes-session) main=org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint ;;
  *)
    echo "usage: kubernetes-jobmanager.sh kubernetes-application|kubernetes-session [-Dkey=value ...]" >&2
    exit 2
    ;;
esac
args=("${flink_properties[@]}" "${@:2}")
flink_resource_params GET_JM_RESOURCE_PARAMS "${args[@]}"
# These entry points read the configuration dir from FLINK_CONF_DIR, not from an argument.
flink_exec "$main" "${flink_memory_properties[@]}" "${args[@]}"
