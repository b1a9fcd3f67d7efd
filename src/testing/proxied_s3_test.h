// ProxiedS3Test: a gtest fixture for tests that put the FaultProxy between a client and a real S3
// server (s3rver): the server, with one bucket of objects, is started once for the suite (it takes
// seconds); every test gets a fresh proxy in front of it, so faults and counters start at zero.
#ifndef CHARON_TESTING_PROXIED_S3_TEST_H_
#define CHARON_TESTING_PROXIED_S3_TEST_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "testing/fault_proxy.h"
#include "testing/s3_server.h"
#include "testing/status_matchers.h"

namespace charon::testing {

class ProxiedS3Test : public ::testing::Test {
 protected:
  // For the suite's SetUpTestSuite: starts the server with `bucket` holding `objects`.
  static void StartS3(std::string_view bucket, const std::map<std::string, std::string>& objects) {
    ASSERT_OK_AND_ASSIGN(server_, S3Server::Start());
    ASSERT_OK(server_->CreateBucket(bucket));
    ASSERT_OK(server_->PutObjects(bucket, objects));
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_OK_AND_ASSIGN(proxy_, FaultProxy::Start(server_->port()));
  }

  static inline std::unique_ptr<S3Server> server_;
  std::unique_ptr<FaultProxy> proxy_;
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_PROXIED_S3_TEST_H_
