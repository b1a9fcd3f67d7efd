#include "objstore/counting_bucket.h"

namespace charon::objstore {

int64_t CountingBucket::TotalCalls() const {
  int64_t total = 0;
  for (const auto& c : counts_) total += c.load();
  return total;
}

void CountingBucket::Reset() {
  for (auto& c : counts_) c.store(0);
  bytes_read_.store(0);
}

}  // namespace charon::objstore
