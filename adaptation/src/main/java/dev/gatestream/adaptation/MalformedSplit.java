package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.FeedbackRead;
import dev.gatestream.adaptation.events.MalformedRecord;
import dev.gatestream.policy.learning.FeedbackEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Feedback goes on to the join; what could not be read goes to {@link #MALFORMED}. */
final class MalformedSplit extends ProcessFunction<FeedbackRead, FeedbackEvent> {

  private static final long serialVersionUID = 1L;

  static final OutputTag<MalformedRecord> MALFORMED =
      new OutputTag<>("malformed-feedback", TypeInformation.of(MalformedRecord.class));

  @Override
  public void processElement(FeedbackRead read, Context ctx, Collector<FeedbackEvent> out) {
    if (read.event() != null) {
      out.collect(read.event());
    } else {
      ctx.output(MALFORMED, read.malformed());
    }
  }
}
