// Request bodies and streamed (chunked) responses through the embedded web server, on the route
// remote read uses.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/http/http_server.h"
#include "testing/status_matchers.h"

namespace charon::server::http {
namespace {

struct Reply {
  long status = 0;
  std::string body;
  std::string headers;
  CURLcode rc = CURLE_OK;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// With `reuse`, the handle (and so its keep-alive connection) is the caller's.
Reply Post(int port, const std::string& body, CURL* reuse = nullptr) {
  CURL* curl = reuse != nullptr ? reuse : curl_easy_init();
  Reply reply;
  const std::string url = absl::StrCat("http://127.0.0.1:", port, "/api/v1/read");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  reply.rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  if (reuse == nullptr) curl_easy_cleanup(curl);
  return reply;
}

// Echoes the body: "fail-early" fails before writing, "fail-late" after one piece; anything else
// is streamed back in three pieces.
HttpResponse Echo(const HttpRequest& req) {
  HttpResponse r;
  r.content_type = "application/x-test";
  r.headers.emplace_back("X-Test", "1");
  const std::string body = req.body;
  r.stream = [body](const BodyWriter& write) {
    if (body == "fail-early") return StreamOutcome{400, "too early\n"};
    if (!write("first|")) return StreamOutcome{500, ""};
    if (body == "fail-late") return StreamOutcome{500, "late failure\n"};
    write(body);
    write("|last");
    return StreamOutcome{};
  };
  return r;
}

class StreamedResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.address = "127.0.0.1:0";
    o.ready = [] { return true; };
    o.remote_read = Echo;
    server_ = std::make_unique<HttpServer>(std::move(o), &registry_);
    ASSERT_OK(server_->Start());
  }
  prometheus::Registry registry_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(StreamedResponseTest, BodyInStreamOutWithHeaders) {
  const std::string big(3 << 20, 'b');  // several reads of the request body
  Reply r = Post(server_->port(), big);
  ASSERT_EQ(r.rc, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "first|" + big + "|last");
  EXPECT_NE(r.headers.find("Transfer-Encoding: chunked"), std::string::npos) << r.headers;
  EXPECT_NE(r.headers.find("Content-Type: application/x-test"), std::string::npos) << r.headers;
  EXPECT_NE(r.headers.find("X-Test: 1"), std::string::npos) << r.headers;
}

TEST_F(StreamedResponseTest, FailureBeforeTheFirstPieceKeepsItsStatus) {
  Reply r = Post(server_->port(), "fail-early");
  ASSERT_EQ(r.rc, CURLE_OK);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "too early\n");
}

TEST_F(StreamedResponseTest, FailureAfterwardsIsWrittenIntoTheStream) {
  Reply r = Post(server_->port(), "fail-late");
  ASSERT_EQ(r.rc, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "first|late failure\n");
}

TEST_F(StreamedResponseTest, KeepAliveConnectionServesTheNextRequest) {
  CURL* curl = curl_easy_init();
  for (const char* body : {"n0", "fail-early", "n1", "fail-late", "n2"}) {
    Reply r = Post(server_->port(), body, curl);
    ASSERT_EQ(r.rc, CURLE_OK) << body;
    if (body[0] == 'n') {
      EXPECT_EQ(r.body, absl::StrCat("first|", body, "|last"));
    }
  }
  long connects = -1;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  EXPECT_EQ(connects, 0) << "the last request needed a new connection";
  curl_easy_cleanup(curl);
}

}  // namespace
}  // namespace charon::server::http
