#!/bin/bash
# Sourced by /docker-entrypoint.sh and bin/kubernetes-*.sh: how this image starts a Flink process
# from Flink's Maven Central jars in $FLINK_HOME/lib (the distribution's own scripts are not
# published there). Configuration: $FLINK_CONF_DIR/config.yaml (the image's, or the one the Flink
# Kubernetes Operator mounts), then FLINK_PROPERTIES ("key: value" lines, one per setting, as Flink's
# images take them) and any -Dkey=value arguments, which win.
export FLINK_HOME="${FLINK_HOME:-/opt/flink}"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$FLINK_HOME/conf}"
# The entry points find usrlib (the job jar of application mode) beside the lib dir this names.
export FLINK_LIB_DIR="${FLINK_LIB_DIR:-$FLINK_HOME/lib}"
export FLINK_BIN_DIR="${FLINK_BIN_DIR:-$FLINK_HOME/bin}"

flink_classpath="$FLINK_LIB_DIR/*"

# What a Flink distribution passes every JVM on Java 17 (env.java.default-opts.all): its
# serializers reach into these JDK packages. FLINK_ENV_JAVA_OPTS adds more (word-split).
flink_java_opts=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)
# shellcheck disable=SC2206
flink_java_opts+=(${FLINK_ENV_JAVA_OPTS:-})

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  echo "${s%"${s##*[![:space:]]}"}"
}

# FLINK_PROPERTIES as -Dkey=value arguments, in flink_properties.
flink_properties=()
while IFS= read -r line; do
  line="$(trim "$line")"
  [[ -z "$line" || "$line" == \#* || "$line" != *:* ]] && continue
  flink_properties+=("-D$(trim "${line%%:*}")=$(trim "${line#*:}")")
done <<< "${FLINK_PROPERTIES:-}"

# The JVM memory options of a JobManager or TaskManager, computed by Flink's BashJavaUtils (in
# flink-runtime) from the configuration as the distribution's scripts do: sets flink_jvm_memory
# (-Xmx and friends) and flink_memory_properties (the derived pools, as -D key=value arguments for
# the entry point, which checks them against the same configuration).
#   flink_resource_params GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS [-Dkey=value ...]
flink_resource_params() {
  local output results
  if ! output="$(java -Xmx64m -cp "$flink_classpath" org.apache.flink.runtime.util.bash.BashJavaUtils \
      "$1" --configDir "$FLINK_CONF_DIR" "${@:2}" 2>&1)"; then
    echo "flink: cannot compute the JVM memory options ($1):" >&2
    echo "$output" >&2
    exit 1
  fi
  results="$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$output")"
  if [[ "$(wc -l <<< "$results")" -ne 2 ]]; then
    echo "flink: unexpected BashJavaUtils output ($1):" >&2
    echo "$output" >&2
    exit 1
  fi
  # shellcheck disable=SC2207
  flink_jvm_memory=($(head -n 1 <<< "$results"))
  # shellcheck disable=SC2207
  flink_memory_properties=($(tail -n 1 <<< "$results"))
}

# Runs a Flink entry point in the foreground under run-jvm (SIGTERM: a clean stop exits 0).
#   flink_exec MAIN_CLASS [ARG ...]
flink_exec() {
  local logging="$FLINK_CONF_DIR/log4j-console.properties"
  [[ -f "$logging" ]] || logging="$FLINK_HOME/conf/log4j-console.properties"
  echo "flink: starting $1 (config $FLINK_CONF_DIR)" >&2
  exec /usr/local/bin/run-jvm java "${flink_java_opts[@]}" "${flink_jvm_memory[@]}" \
    -Dlog4j.configurationFile="file:$logging" -cp "$flink_classpath" "$@"
}
