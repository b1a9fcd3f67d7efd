// `charon store` start-up and readiness against what operators get wrong: a data dir that cannot be
// written, two stores on one data dir, a bucket that cannot be listed. Each case runs the real
// binary as a child process and checks its exit code, log and probes.
//
// CHARON_BINARY names the charon executable (set by CMake); the tests fail without it.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "e2e/charon_store_server.h"
#include "e2e/http_get.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/block_fixtures.h"
#include "testing/child_process.h"
#include "testing/free_port.h"
#include "testing/s3_server.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::e2e {
namespace {

using ::charon::testing::ChildProcess;
using ::charon::testing::TempDir;
using ::testing::HasSubstr;

std::string Binary() {
  const char* b = std::getenv("CHARON_BINARY");
  EXPECT_NE(b, nullptr) << "CHARON_BINARY must name the charon executable";
  return b != nullptr ? b : "charon";
}

std::string FilesystemBucket(const std::string& dir) {
  return absl::StrCat("--objstore.config=type: FILESYSTEM\nconfig:\n  directory: ", dir, "\n");
}

struct StoreRun {
  std::unique_ptr<ChildProcess> process;
  int http_port = 0;
};

// Starts `charon store` with these flags (plus free ports) without waiting for readiness.
StoreRun StartStore(const TempDir& work, const std::string& name, std::vector<std::string> flags,
                    std::vector<std::string> wrapper = {}) {
  StoreRun run;
  absl::StatusOr<int> grpc = testing::PickFreePort();
  absl::StatusOr<int> http = testing::PickFreePort();
  EXPECT_OK(grpc.status());
  EXPECT_OK(http.status());
  run.http_port = http.ok() ? *http : 0;
  testing::ChildProcessOptions o;
  o.argv = std::move(wrapper);
  for (const std::string& a :
       {Binary(), std::string("store"), absl::StrCat("--grpc-address=127.0.0.1:", grpc.value_or(0)),
        absl::StrCat("--http-address=127.0.0.1:", run.http_port)}) {
    o.argv.push_back(a);
  }
  o.argv.insert(o.argv.end(), flags.begin(), flags.end());
  o.log_path = work.Path(name + ".log");
  absl::StatusOr<std::unique_ptr<ChildProcess>> p = ChildProcess::Start(std::move(o));
  EXPECT_OK(p.status());
  if (p.ok()) run.process = *std::move(p);
  return run;
}

// Waits for the process to exit by itself; its exit code, or -1 on a hang (then it is killed).
int ExitCode(ChildProcess& p, absl::Duration timeout = absl::Seconds(30)) {
  for (absl::Time deadline = absl::Now() + timeout; absl::Now() < deadline;) {
    if (!p.Running()) return p.Stop();
    absl::SleepFor(absl::Milliseconds(50));
  }
  p.Stop();
  return -1;
}

TEST(StoreStartup, SecondStoreOnOneDataDirRefusesNamingTheFirst) {
  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("startup"));
  ASSERT_OK(testing::AdjacentBlocks().WriteBlocks(work.Path("bucket")).status());
  CharonStoreServerOptions first_options;
  first_options.binary = Binary();
  first_options.bucket_dir = work.Path("bucket");
  first_options.work_dir = work.path();
  ASSERT_OK_AND_ASSIGN(auto first, CharonStoreServer::Start(first_options));

  StoreRun second = StartStore(
      work, "second", {FilesystemBucket(work.Path("bucket")), "--data-dir=" + work.Path("data")});
  ASSERT_NE(second.process, nullptr);
  EXPECT_EQ(ExitCode(*second.process), 1);
  EXPECT_THAT(second.process->LogTail(), HasSubstr(absl::StrCat("is in use by another store (pid ",
                                                                first->process().pid(), ")")));
  // The first one never noticed.
  ASSERT_OK_AND_ASSIGN(HttpResponse ready,
                       HttpGet(absl::StrCat("http://127.0.0.1:", first->http_port(), "/-/ready")));
  EXPECT_EQ(ready.status, 200);
}

TEST(StoreStartup, DataDirUnderAFileStopsStartUp) {
  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("startup"));
  ASSERT_OK(testing::WriteFile(work.Path("file"), "not a directory"));
  StoreRun run =
      StartStore(work, "store",
                 {FilesystemBucket(work.Path("bucket")), "--data-dir=" + work.Path("file/data")});
  ASSERT_NE(run.process, nullptr);
  EXPECT_EQ(ExitCode(*run.process), 1);
  EXPECT_THAT(run.process->LogTail(),
              HasSubstr(absl::StrCat("data dir ", work.Path("file/data"), " is not usable")));
}

// Root ignores permission bits; the store runs as `nobody` through setpriv(1) to see a chmod 555
// data dir as an operator's service user would.
TEST(StoreStartup, ReadOnlyDataDirStopsStartUp) {
  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("startup"));
  ASSERT_EQ(::chmod(work.path().c_str(), 0755), 0);
  std::filesystem::create_directories(work.Path("bucket"));
  std::filesystem::create_directories(work.Path("data"));
  ASSERT_EQ(::chmod(work.Path("data").c_str(), 0555), 0);
  std::vector<std::string> wrapper;
  if (::geteuid() == 0) {
    wrapper = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
  }
  StoreRun run = StartStore(
      work, "store", {FilesystemBucket(work.Path("bucket")), "--data-dir=" + work.Path("data")},
      wrapper);
  ASSERT_NE(run.process, nullptr);
  EXPECT_EQ(ExitCode(*run.process), 1) << run.process->LogTail();
  EXPECT_THAT(run.process->LogTail(), HasSubstr("Permission denied"));
  EXPECT_THAT(run.process->LogTail(),
              HasSubstr(absl::StrCat("data dir ", work.Path("data"), " is not usable")));
}

// The metric line `charon_store_not_ready{reason="<reason>"} <value>` on /metrics.
bool NotReadyIs(int port, const std::string& reason, int value) {
  absl::StatusOr<HttpResponse> m = HttpGet(absl::StrCat("http://127.0.0.1:", port, "/metrics"));
  return m.ok() && m->body.find(absl::StrCat("charon_store_not_ready{reason=\"", reason, "\"} ",
                                             value, "\n")) != std::string::npos;
}

long ReadyStatus(int port) {
  absl::StatusOr<HttpResponse> r = HttpGet(absl::StrCat("http://127.0.0.1:", port, "/-/ready"));
  return r.ok() ? r->status : 0;
}

TEST(StoreReadiness, StaysNotReadyWhileTheBucketCannotBeListed) {
  ASSERT_OK_AND_ASSIGN(TempDir work, TempDir::Create("startup"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<testing::S3Server> s3, testing::S3Server::Start());
  const std::string config = absl::StrCat(
      "--objstore.config=type: S3\nconfig:\n  bucket: later\n  endpoint: ", s3->endpoint(),
      "\n  insecure: true\n  bucket_lookup_type: path\n  access_key: ",
      testing::S3Server::kAccessKey, "\n  secret_key: ", testing::S3Server::kSecretKey, "\n");
  StoreRun run = StartStore(work, "store", {config, "--data-dir=" + work.Path("data")});
  ASSERT_NE(run.process, nullptr);
  ASSERT_OK(run.process->WaitForHttp(run.http_port, "/-/healthy"));

  // The bucket does not exist: the initial sync cannot list it.
  bool reported = false;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    reported = NotReadyIs(run.http_port, "bucket_list_failed", 1);
    if (reported) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(reported) << run.process->LogTail();
  EXPECT_EQ(ReadyStatus(run.http_port), 503);
  EXPECT_THAT(run.process->LogTail(), HasSubstr("store is not ready"));
  EXPECT_THAT(run.process->LogTail(), HasSubstr("bucket_list_failed"));

  // Repaired: readiness follows within the retry interval.
  ASSERT_OK(s3->CreateBucket("later"));
  long status = 0;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    status = ReadyStatus(run.http_port);
    if (status == 200) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(status, 200) << run.process->LogTail();
  EXPECT_TRUE(NotReadyIs(run.http_port, "bucket_list_failed", 0));
  EXPECT_THAT(run.process->LogTail(), HasSubstr("store is ready"));
}

}  // namespace
}  // namespace charon::e2e
