// ScriptedStore: a StoreApi that answers from fixed data and remembers the last request of each
// kind, for tests of the StoreAPI adapter and its clients without a bucket behind them.
#ifndef CHARON_SERVER_GRPC_SCRIPTED_STORE_H_
#define CHARON_SERVER_GRPC_SCRIPTED_STORE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "store/store_api.h"
#include "tsdb/labels.h"

namespace charon::server::grpc {

// Thread-safe for calls; the public fields and AddSeries are set before the server starts.
class ScriptedStore final : public store::StoreApi {
 public:
  // Adds a series with one raw XOR chunk (samples 1.5 at min, 2.5 at max) per [min, max] range.
  void AddSeries(tsdb::Labels labels, std::vector<std::pair<int64_t, int64_t>> ranges = {});

  absl::Status Series(const store::SeriesRequest& req, store::SeriesSink& sink,
                      store::SeriesResult* result) override;
  absl::StatusOr<store::LabelsResult> LabelNames(const store::LabelNamesRequest& req) override;
  absl::StatusOr<store::LabelsResult> LabelValues(const store::LabelValuesRequest& req) override;
  store::StoreInfo Info() override { return info_; }
  bool Ready() const override { return ready_.load(); }

  std::optional<store::SeriesRequest> last_series();
  std::optional<store::LabelNamesRequest> last_names();
  std::optional<store::LabelValuesRequest> last_values();

  // Set before the server starts.
  absl::Status before_series_, after_series_, labels_status_;
  store::SeriesResult result_;
  store::LabelsResult labels_;
  store::StoreInfo info_;
  std::atomic<bool> ready_{true};

 private:
  std::deque<std::string> bytes_;
  std::vector<store::SeriesOut> series_;
  absl::Mutex mu_;
  std::optional<store::SeriesRequest> last_series_ ABSL_GUARDED_BY(mu_);
  std::optional<store::LabelNamesRequest> last_names_ ABSL_GUARDED_BY(mu_);
  std::optional<store::LabelValuesRequest> last_values_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::server::grpc

#endif  // CHARON_SERVER_GRPC_SCRIPTED_STORE_H_
