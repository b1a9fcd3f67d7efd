// Turns Charon's Series answer into samples comparable with Prometheus' and checks the stream's
// own promises on the way (2.10 of the store design):
//  * series strictly sorted by label set, each label set sorted by name without repeats;
//  * raw XOR chunks that decode, whose first and last sample times equal the chunk's
//    min_time/max_time, sorted by (min_time, max_time) inside a series;
//  * chunks of overlapping blocks that agree: one timestamp, one value.
// Samples are merged over a series' chunks (as a querier does) and trimmed to [mint, maxt]; series
// left without samples are dropped, since chunks may overlap the range without a sample in it.
#ifndef CHARON_TESTS_E2E_STORE_ANSWER_H_
#define CHARON_TESTS_E2E_STORE_ANSWER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "e2e/selector.h"
#include "e2e/series_diff.h"
#include "server/grpc/proto/store_rpc.pb.h"

namespace charon::e2e {

struct StoreAnswer {
  SeriesSet series;
  std::vector<std::string> problems;  // broken promises, one line each
  int series_without_samples = 0;     // returned, but no sample in [mint, maxt]
};

StoreAnswer DecodeSeriesAnswer(const std::vector<thanos::Series>& series, int64_t mint,
                               int64_t maxt);

thanos::LabelMatcher ToProto(const Matcher& m);

// The labels of a ZLabelSet/LabelSet/Series, in wire order.
tsdb::Labels LabelsOf(const google::protobuf::RepeatedPtrField<thanos::Label>& labels);

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_STORE_ANSWER_H_
