// Postings fetched from a real promtool block whose bytes were changed after writing.
#include "store/block_postings.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <fstream>
#include <sstream>

#include "base/decbuf.h"
#include "objstore/filesystem_bucket.h"
#include "store/bucket_store.h"
#include "store/store_test_util.h"
#include "testing/block_fixtures.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"
#include "tsdb/index_reader.h"

namespace charon::store {
namespace {

using ::charon::testing::StatusIs;
using tsdb::MatchType;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

tsdb::Labels Metric(const char* name, const char* job) {
  return {{"__name__", name}, {"job", job}};
}

// A postings entry of {__name__="up"} changed to the (valid, smaller) series id of another metric,
// its CRC left as it was: the ids stay ascending, so only the CRC tells.
TEST(BlockPostings, EntryChangedToAnotherValidRefIsDataLossNotAWrongSeries) {
  testing::BlockBuilder b;
  b.AddRegularSeries(Metric("container_cpu_usage_seconds_total", "c"), testing::kFixtureStartMs,
                     60'000, 10);
  b.AddRegularSeries(Metric("up", "a"), testing::kFixtureStartMs, 60'000, 10);
  b.AddRegularSeries(Metric("up", "b"), testing::kFixtureStartMs, 60'000, 10);
  ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create());
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> blocks, b.WriteBlocks(dir.Path("bucket")));
  ASSERT_EQ(blocks.size(), 1u);
  const std::string index_path = blocks[0] + "/index";
  std::string index = ReadFile(index_path);
  ASSERT_OK_AND_ASSIGN(auto reader, tsdb::IndexReader::Open(index));
  ASSERT_OK_AND_ASSIGN(auto up, reader->PostingsRange("__name__", "up"));
  ASSERT_OK_AND_ASSIGN(auto other,
                       reader->PostingsRange("__name__", "container_cpu_usage_seconds_total"));
  const uint32_t other_id = base::LoadBe32(index.data() + other.first + 4);
  ASSERT_LT(other_id, base::LoadBe32(index.data() + up.first + 4));
  std::string id_bytes;
  base::PutBe32(&id_bytes, other_id);
  index.replace(up.first + 4, 4, id_bytes);
  {
    std::ofstream out(index_path, std::ios::binary | std::ios::trunc);
    out << index;
  }

  ASSERT_OK_AND_ASSIGN(auto fs, objstore::FilesystemBucket::Open(dir.Path("bucket")));
  std::shared_ptr<objstore::Bucket> bucket = std::move(fs);
  ASSERT_OK_AND_ASSIGN(testing::TempDir data_dir, testing::TempDir::Create());
  BucketStoreOptions opts;
  opts.load.data_dir = data_dir.path();
  prometheus::Registry registry;
  BucketStore store(bucket, AllBlocks(bucket), opts, registry);
  ASSERT_OK(store.InitialSync());

  SeriesRequest req;
  req.matchers = ParseMatchers({{MatchType::kEqual, "__name__", "up"}});
  CollectingSink sink(req.min_time, req.max_time);
  absl::Status s = store.Series(req, sink, nullptr);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kDataLoss, "CRC"));
  for (const CollectedSeries& got : sink.series) {
    EXPECT_EQ(tsdb::GetLabel(got.labels, "__name__"), "up") << tsdb::LabelsToString(got.labels);
  }
  // Lists left intact still answer.
  SeriesRequest other_req;
  other_req.matchers =
      ParseMatchers({{MatchType::kEqual, "__name__", "container_cpu_usage_seconds_total"}});
  CollectingSink other_sink(other_req.min_time, other_req.max_time);
  EXPECT_OK(store.Series(other_req, other_sink, nullptr));
  EXPECT_EQ(other_sink.series.size(), 1u);
}

}  // namespace
}  // namespace charon::store
