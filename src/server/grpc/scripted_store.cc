#include "server/grpc/scripted_store.h"

#include "base/status_macros.h"
#include "tsdb/xor_chunk.h"

namespace charon::server::grpc {

void ScriptedStore::AddSeries(tsdb::Labels labels,
                              std::vector<std::pair<int64_t, int64_t>> ranges) {
  store::SeriesOut s;
  s.labels = std::move(labels);
  for (auto [min, max] : ranges) {
    tsdb::XorEncoder enc;
    enc.Append(min, 1.5);
    enc.Append(max, 2.5);
    const std::string& data = bytes_.emplace_back(enc.bytes());
    store::AggrChunk c;
    c.min_time = min;
    c.max_time = max;
    c.raw = store::ChunkData{0, data, 42};
    s.chunks.push_back(c);
  }
  series_.push_back(std::move(s));
}

absl::Status ScriptedStore::Series(const store::SeriesRequest& req, store::SeriesSink& sink,
                                   store::SeriesResult* result) {
  {
    absl::MutexLock lock(&mu_);
    last_series_ = req;
  }
  CHARON_RETURN_IF_ERROR(before_series_);
  for (const store::SeriesOut& s : series_) CHARON_RETURN_IF_ERROR(sink.Send(s));
  *result = result_;
  return after_series_;
}

absl::StatusOr<store::LabelsResult> ScriptedStore::LabelNames(const store::LabelNamesRequest& req) {
  absl::MutexLock lock(&mu_);
  last_names_ = req;
  if (!labels_status_.ok()) return labels_status_;
  return labels_;
}

absl::StatusOr<store::LabelsResult> ScriptedStore::LabelValues(
    const store::LabelValuesRequest& req) {
  absl::MutexLock lock(&mu_);
  last_values_ = req;
  if (!labels_status_.ok()) return labels_status_;
  return labels_;
}

std::optional<store::SeriesRequest> ScriptedStore::last_series() {
  absl::MutexLock lock(&mu_);
  return last_series_;
}

std::optional<store::LabelNamesRequest> ScriptedStore::last_names() {
  absl::MutexLock lock(&mu_);
  return last_names_;
}

std::optional<store::LabelValuesRequest> ScriptedStore::last_values() {
  absl::MutexLock lock(&mu_);
  return last_values_;
}

}  // namespace charon::server::grpc
