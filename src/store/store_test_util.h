// Test helpers for the store: a MetaSource reading meta.json straight from a bucket, a sink that
// collects series, and the oracle answer of a Series request computed from fixture samples.
#ifndef CHARON_STORE_STORE_TEST_UTIL_H_
#define CHARON_STORE_STORE_TEST_UTIL_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "objstore/bucket.h"
#include "store/bucket_store.h"
#include "store/store_api.h"
#include "testing/block_fixtures.h"
#include "testing/promtool_dump.h"
#include "tsdb/matcher.h"

namespace charon::store {

// Every block of the bucket root, with no filters.
MetaSource AllBlocks(std::shared_ptr<objstore::Bucket> bucket);

// Series as a client sees them: labels and samples decoded from all chunks, restricted to
// [mint, maxt] and de-duplicated by timestamp; series without samples there are dropped.
struct CollectedSeries {
  tsdb::Labels labels;
  std::vector<testing::Sample> samples;
  size_t num_chunks = 0;
};

class CollectingSink : public SeriesSink {
 public:
  CollectingSink(int64_t mint, int64_t maxt) : mint_(mint), maxt_(maxt) {}
  absl::Status Send(const SeriesOut& s) override;
  std::vector<CollectedSeries> series;

 private:
  int64_t mint_, maxt_;
};

// The oracle: `data` (labels -> samples) with `external` labels set on top, selected by
// `matchers` (absent labels read as ""), samples restricted to [mint, maxt]; empty series dropped.
testing::SeriesSamples Select(
    const std::vector<std::pair<testing::SeriesSamples, tsdb::Labels>>& data,
    const std::vector<tsdb::Matcher>& matchers, int64_t mint, int64_t maxt);

// Writes the one block `builder` makes `n` times into `<root>/bucket` under distinct ULIDs, copy i
// with the external label copy=<i> (any other external labels kept). Returns the bucket dir.
absl::StatusOr<std::string> WriteBlockCopies(const testing::BlockBuilder& builder,
                                             const std::string& root, int n);

std::vector<tsdb::Matcher> ParseMatchers(
    std::initializer_list<std::tuple<tsdb::MatchType, const char*, const char*>> ms);

}  // namespace charon::store

#endif  // CHARON_STORE_STORE_TEST_UTIL_H_
