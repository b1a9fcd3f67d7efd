// `charon query` against a real GrpcServer over a scripted StoreApi, output captured.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cmd/charon/query_command.h"
#include "server/grpc/grpc_server.h"
#include "server/grpc/scripted_store.h"
#include "testing/status_matchers.h"

namespace charon::cmd {
namespace {

using ::charon::testing::IsOk;
using ::testing::HasSubstr;

store::StoreInfo SampleInfo() {
  store::StoreInfo info;
  info.min_time = 1000;
  info.max_time = 9000;
  info.label_sets = {{{"cluster", "a"}}, {{"cluster", "b"}, {"replica", "1"}}};
  return info;
}

class QueryCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.AddSeries({{"__name__", "up"}, {"job", "a"}}, {{0, 100}, {101, 200}});
    store_.AddSeries({{"__name__", "up"}, {"job", "b"}}, {{0, 100}});
  }

  void Start() {
    server::grpc::GrpcServerOptions options;
    options.address = "127.0.0.1:0";
    options.registry = &registry_;
    server_ = std::make_unique<server::grpc::GrpcServer>(store_, options);
    ASSERT_OK(server_->Start());
    ASSERT_GT(server_->port(), 0);
  }

  // Runs `charon query <args>`; returns stdout, sets *exit_code.
  std::string RunQuery(std::vector<std::string> args, int* exit_code) {
    CLI::App app("charon");
    AddQueryCommand(app);
    std::vector<std::string> argv_store = {"charon", "query"};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    argv_store.push_back("--store");
    argv_store.push_back(absl::StrCat("127.0.0.1:", server_->port()));
    std::vector<const char*> argv;
    for (const std::string& a : argv_store) argv.push_back(a.c_str());
    std::ostringstream out, err;
    std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
    std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
    *exit_code = 0;
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      *exit_code = app.exit(e, out, err);
    }
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    last_err_ = err.str();
    return out.str();
  }
  server::grpc::ScriptedStore store_;
  prometheus::Registry registry_;
  std::unique_ptr<server::grpc::GrpcServer> server_;
  std::string last_err_;
};

TEST_F(QueryCommandTest, SeriesWithDecodedSamples) {
  Start();
  int code = -1;
  std::string out =
      RunQuery({"series", "up{job=~\"a|b\"}", "--decode", "--max-time", "500"}, &code);
  EXPECT_EQ(code, 0) << last_err_;
  EXPECT_THAT(out, HasSubstr("{__name__=\"up\", job=\"a\"}"));
  EXPECT_THAT(out, HasSubstr("[101, 200] raw XOR"));
  EXPECT_THAT(out, HasSubstr("    200 2.5\n"));
  std::optional<store::SeriesRequest> seen = store_.last_series();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->max_time, 500);
  ASSERT_EQ(seen->matchers.size(), 2u);
  EXPECT_EQ(seen->matchers[1].String(), "job=~\"a|b\"");
}

TEST_F(QueryCommandTest, JsonOutputAndInfo) {
  store_.info_ = SampleInfo();
  store_.labels_.values = {"a", "b"};
  Start();
  int code = -1;
  std::string out = RunQuery({"info", "-o", "json"}, &code);
  EXPECT_EQ(code, 0) << last_err_;
  EXPECT_THAT(out, HasSubstr("\"component_type\": \"store\""));
  EXPECT_THAT(out, HasSubstr("\"supports_sharding\": true"));
  out = RunQuery({"info", "--legacy-info"}, &code);
  EXPECT_EQ(code, 0) << last_err_;
  EXPECT_THAT(out, HasSubstr("store type: STORE"));
  EXPECT_THAT(out, HasSubstr("@thanos_compatibility_store_type"));
  out = RunQuery({"label-values", "job", "-m", "{zone=\"eu\"}", "-o", "json"}, &code);
  EXPECT_EQ(code, 0) << last_err_;
  EXPECT_THAT(out, HasSubstr("\"values\""));
  EXPECT_EQ(store_.last_values()->label, "job");
  out = RunQuery({"label-names"}, &code);
  EXPECT_EQ(code, 0) << last_err_;
  EXPECT_EQ(out, "a\nb\n");
}

TEST_F(QueryCommandTest, ErrorsGiveExitCodeOne) {
  Start();
  int code = 0;
  RunQuery({"series", "{job=~\"(\"}"}, &code);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(last_err_, HasSubstr("INVALID_ARGUMENT"));
  RunQuery({"series", "{job=}"}, &code);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(last_err_, HasSubstr("bad selector"));
}

}  // namespace
}  // namespace charon::cmd
