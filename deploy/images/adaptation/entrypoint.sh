#!/bin/sh
# Runs the adaptation job in this container's embedded Flink; exec: java gets SIGTERM itself.
settings=/home/gatestream/gatestream.properties
[ -f "$settings" ] || settings=
exec java -XX:MaxRAMPercentage=75 \
  -javaagent:/opt/flink/jmx_prometheus_javaagent.jar=9405:/opt/flink/jmx-exporter.yaml \
  -Dlog4j2.configurationFile=/opt/flink/conf/log4j2.xml \
  -cp "/opt/flink/usrlib/gatestream-adaptation-job.jar:/opt/flink/lib/*" \
  dev.gatestream.adaptation.AdaptationJob $settings "$@"
