// WaveBucket: a test decorator that measures the sequential round trips a call needs, without
// timing it. Every Get and GetRange is held until no new request has arrived for `quiet`; then
// the held requests are released together as one wave. Requests a call can issue at once land
// in one wave; a request that needs another's answer first lands in a later one. The number of
// waves is the depth of dependent requests (a remote bucket's latency is about waves x delay),
// whatever the machine's speed, as long as the requests of one wave start within `quiet` of
// each other. While disabled it passes every call through (to load blocks). Thread-safe.
#ifndef CHARON_STORE_WAVE_BUCKET_H_
#define CHARON_STORE_WAVE_BUCKET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "objstore/bucket.h"

namespace charon::store {

class WaveBucket final : public objstore::Bucket {
 public:
  WaveBucket(std::shared_ptr<objstore::Bucket> inner, absl::Duration quiet)
      : inner_(std::move(inner)), quiet_(quiet) {}

  void set_enabled(bool enabled);
  // Zeroes the counters.
  void Reset();
  // Called with the wave's number (1-based) and the requests so far just before a wave is
  // released, while every request that has started is held. Must not call back into the bucket.
  void set_on_wave(std::function<void(int wave, int64_t requests)> fn);

  int waves() const;
  int max_wave_size() const;
  // Requests that reached the bucket while enabled.
  int64_t requests() const;

  absl::Status Iter(std::string_view dir,
                    const std::function<absl::Status(std::string_view name)>& fn,
                    objstore::IterOptions options = {}) override {
    return inner_->Iter(dir, fn, options);
  }
  absl::StatusOr<std::string> Get(std::string_view name) override;
  absl::StatusOr<std::string> GetRange(std::string_view name, int64_t offset,
                                       int64_t length) override;
  absl::StatusOr<bool> Exists(std::string_view name) override { return inner_->Exists(name); }
  absl::StatusOr<objstore::ObjectAttributes> Attributes(std::string_view name) override {
    return inner_->Attributes(name);
  }
  std::string Name() const override { return inner_->Name(); }

 private:
  // Holds the caller until its wave is released.
  void JoinWave();

  std::shared_ptr<objstore::Bucket> inner_;
  const absl::Duration quiet_;
  mutable absl::Mutex mu_;
  bool enabled_ ABSL_GUARDED_BY(mu_) = false;
  std::function<void(int, int64_t)> on_wave_ ABSL_GUARDED_BY(mu_);
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool leader_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_arrival_ ABSL_GUARDED_BY(mu_);
  int wave_size_ ABSL_GUARDED_BY(mu_) = 0;
  int waves_ ABSL_GUARDED_BY(mu_) = 0;
  int max_wave_size_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t requests_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace charon::store

#endif  // CHARON_STORE_WAVE_BUCKET_H_
