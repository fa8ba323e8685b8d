#!/bin/bash
# Runs a JVM (its command line is the arguments) as a child of this shell and forwards SIGTERM and
# SIGINT to it. A JVM stopped by SIGTERM runs its shutdown hooks and then exits 143; this wrapper
# exits 0 instead when it forwarded the signal itself and the JVM exited 143 after it, i.e. the
# hooks completed (a hook that hangs keeps the JVM alive until SIGKILL: 137, passed on as it is).
# Any other exit code is passed on unchanged.
set -u
stopping=0
forward() {
  stopping=1
  kill -TERM "$pid" 2> /dev/null
}
trap forward TERM INT
"$@" &
pid=$!
# wait returns early when a trapped signal arrives; wait again until the JVM itself has ended
# (kill -0 still finds it as long as it has not been reaped).
while :; do
  wait "$pid"
  status=$?
  kill -0 "$pid" 2> /dev/null || break
done
if [[ $stopping -eq 1 && $status -eq 143 ]]; then
  exit 0
fi
exit "$status"
