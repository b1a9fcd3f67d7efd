// `charon store` on an S3 bucket (s3rver) behind the FaultProxy, faults injected while it serves
// Series: throttling (503 SlowDown), bodies cut short and hung requests are retried within the
// configured attempts and give the same answer as without faults; a bucket that keeps failing
// makes the call fail with Unavailable naming the block, and one that hangs past the call's
// deadline ends the call, not the store. Never a partial answer: a call either returns everything
// the fault-free call returns, or fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "e2e/charon_store_server.h"
#include "testing/block_fixtures.h"
#include "testing/fault_proxy.h"
#include "testing/s3_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::e2e {
namespace {

namespace fs = std::filesystem;
using ::charon::testing::Fault;
using ::charon::testing::FaultProxy;
using ::charon::testing::S3Server;
using ::charon::testing::StatusIs;
using ::testing::AnyOf;

constexpr char kBucket[] = "faults";

struct Answer {
  int series = 0;
  int chunks = 0;
  bool operator==(const Answer&) const = default;
};

class BucketFaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* binary = std::getenv("CHARON_BINARY");
    ASSERT_TRUE(binary != nullptr && fs::exists(binary))
        << "CHARON_BINARY does not name the charon executable";
    ASSERT_OK_AND_ASSIGN(testing::TempDir dir, testing::TempDir::Create("bucket-faults"));
    dir_ = new testing::TempDir(std::move(dir));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> blocks,
                         testing::AdjacentBlocks().WriteBlocks(dir_->Path("blocks")));
    ASSERT_FALSE(blocks.empty());
    std::map<std::string, std::string> objects;
    for (const std::string& block : blocks) {
      ulids_.push_back(fs::path(block).filename().string());
      for (const auto& entry : fs::recursive_directory_iterator(block)) {
        if (!entry.is_regular_file()) continue;
        ASSERT_OK_AND_ASSIGN(std::string data, testing::ReadFile(entry.path().string()));
        objects[fs::relative(entry.path(), dir_->Path("blocks")).generic_string()] = data;
      }
    }
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<S3Server> s3, S3Server::Start());
    s3_ = s3.release();
    ASSERT_OK(s3_->CreateBucket(kBucket));
    ASSERT_OK(s3_->PutObjects(kBucket, objects));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<FaultProxy> proxy, FaultProxy::Start(s3_->port()));
    proxy_ = proxy.release();
    CharonStoreServerOptions o;
    o.binary = binary;
    o.work_dir = dir_->Path("store");
    fs::create_directories(o.work_dir);
    // Three attempts per request; a request without response headers after 1 s is given up and
    // retried.
    o.objstore_config =
        absl::StrCat("type: S3\nconfig:\n  bucket: ", kBucket, "\n  endpoint: ", proxy_->endpoint(),
                     "\n  insecure: true\n  max_retries: 3\n  access_key: ", S3Server::kAccessKey,
                     "\n  secret_key: ", S3Server::kSecretKey,
                     "\n  http_config:\n    response_header_timeout: 1s\n");
    o.extra_flags = {"--sync-block-duration=24h"};
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<CharonStoreServer> store, CharonStoreServer::Start(o));
    store_ = store.release();
    ASSERT_OK_AND_ASSIGN(baseline_, Query(absl::Minutes(2)));
    ASSERT_GT(baseline_.series, 0);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete proxy_;
    delete s3_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    proxy_->ClearFaults();
  }
  void TearDown() override { proxy_->ClearFaults(); }

  // Every series of every block, with chunks, on a fresh connection with `timeout`.
  static absl::StatusOr<Answer> Query(absl::Duration timeout) {
    server::grpc::StoreClientOptions co;
    co.address = absl::StrCat("127.0.0.1:", store_->grpc_port());
    co.timeout = timeout;
    CHARON_ASSIGN_OR_RETURN(std::unique_ptr<server::grpc::StoreClient> client,
                            server::grpc::StoreClient::Connect(co));
    thanos::SeriesRequest req;
    req.set_min_time(0);
    req.set_max_time(std::numeric_limits<int64_t>::max());
    thanos::LabelMatcher* m = req.add_matchers();
    m->set_type(thanos::LabelMatcher::RE);
    m->set_name("__name__");
    m->set_value(".+");
    CHARON_ASSIGN_OR_RETURN(server::grpc::SeriesCallResult result, client->Series(req));
    Answer a;
    for (const thanos::Series& s : result.series) {
      ++a.series;
      a.chunks += s.chunks_size();
    }
    return a;
  }

  static testing::TempDir* dir_;
  static S3Server* s3_;
  static FaultProxy* proxy_;
  static CharonStoreServer* store_;
  static std::vector<std::string> ulids_;
  static Answer baseline_;
};

testing::TempDir* BucketFaultTest::dir_ = nullptr;
S3Server* BucketFaultTest::s3_ = nullptr;
FaultProxy* BucketFaultTest::proxy_ = nullptr;
CharonStoreServer* BucketFaultTest::store_ = nullptr;
std::vector<std::string> BucketFaultTest::ulids_;
Answer BucketFaultTest::baseline_;

TEST_F(BucketFaultTest, ThrottledChunkReadsAreRetried) {
  const int64_t faults = proxy_->faults_injected();
  proxy_->InjectFault(Fault::kSlowDown, 2, "/chunks/");
  ASSERT_OK_AND_ASSIGN(Answer a, Query(absl::Minutes(2)));
  EXPECT_EQ(a, baseline_);
  EXPECT_EQ(proxy_->faults_injected() - faults, 2);
}

TEST_F(BucketFaultTest, BodiesCutShortAreRetried) {
  const int64_t faults = proxy_->faults_injected();
  proxy_->InjectFault(Fault::kDropMidBody, 2, "/chunks/");
  ASSERT_OK_AND_ASSIGN(Answer a, Query(absl::Minutes(2)));
  EXPECT_EQ(a, baseline_);
  EXPECT_EQ(proxy_->faults_injected() - faults, 2);
}

TEST_F(BucketFaultTest, AHungChunkReadIsRetriedAfterTheHeaderTimeout) {
  const int64_t faults = proxy_->faults_injected();
  proxy_->InjectFault(Fault::kHang, 1, "/chunks/");
  ASSERT_OK_AND_ASSIGN(Answer a, Query(absl::Minutes(2)));
  EXPECT_EQ(a, baseline_);
  EXPECT_EQ(proxy_->faults_injected() - faults, 1);
}

TEST_F(BucketFaultTest, ABucketThatKeepsThrottlingFailsTheCallNamingTheBlock) {
  proxy_->InjectFault(Fault::kSlowDown, 1000000, "/chunks/");
  absl::StatusOr<Answer> a = Query(absl::Minutes(2));
  ASSERT_THAT(a, StatusIs(absl::StatusCode::kUnavailable));
  bool names_a_block = false;
  for (const std::string& ulid : ulids_) {
    names_a_block = names_a_block || a.status().message().find(ulid) != std::string::npos;
  }
  EXPECT_TRUE(names_a_block) << a.status();
  // The store is fine once the bucket is.
  proxy_->ClearFaults();
  ASSERT_OK_AND_ASSIGN(Answer after, Query(absl::Minutes(2)));
  EXPECT_EQ(after, baseline_);
}

TEST_F(BucketFaultTest, ABucketHungPastTheDeadlineEndsTheCall) {
  proxy_->InjectFault(Fault::kHang, 1000000, "/chunks/");
  // Every attempt hangs for the header timeout (1 s) and the call has 2 s.
  absl::StatusOr<Answer> a = Query(absl::Seconds(2));
  EXPECT_THAT(a.status().code(),
              AnyOf(absl::StatusCode::kDeadlineExceeded, absl::StatusCode::kUnavailable));
  proxy_->ClearFaults();
  ASSERT_OK_AND_ASSIGN(Answer after, Query(absl::Minutes(2)));
  EXPECT_EQ(after, baseline_);
}

}  // namespace
}  // namespace charon::e2e
