#include "bench/prometheus_client.h"

#include <curl/curl.h>
#include <snappy.h>

#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/strings.h"
#include "bench/chunked_frame_reader.h"
#include "nlohmann/json.hpp"
#include "server/http/proto/remote.pb.h"

namespace charon::bench {

// The remote-read messages the server speaks; the client sends and reads the same ones.
namespace prompb = ::charon::server::http::prompb;

struct PrometheusClient::Curl {
  CURL* handle = nullptr;
  curl_slist* read_headers = nullptr;
  ~Curl() {
    curl_slist_free_all(read_headers);
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

namespace {

constexpr size_t kErrorBodyBytes = 2048;

// Counts the series of a STREAMED_XOR_CHUNKS body. Prometheus puts one series per frame and
// continues a long series in the next frame with the same labels, so a series is counted when
// its labels differ from the previous frame's.
class RemoteReadDecoder {
 public:
  RemoteReadDecoder() : reader_([this](std::string_view msg) { return OnFrame(msg); }) {}

  absl::Status Feed(std::string_view bytes) {
    counts_.wire_bytes += static_cast<int64_t>(bytes.size());
    return reader_.Feed(bytes);
  }
  absl::StatusOr<CallCounts> Finish() {
    absl::Status s = reader_.Finish();
    if (!s.ok()) return s;
    return counts_;
  }

 private:
  absl::Status OnFrame(std::string_view msg) {
    if (!resp_.ParseFromArray(msg.data(), static_cast<int>(msg.size()))) {
      return absl::InternalError("unparsable ChunkedReadResponse");
    }
    ++counts_.frames;
    for (const prompb::ChunkedSeries& s : resp_.chunked_series()) {
      if (!SameAsPrevious(s)) {
        ++counts_.items;
        previous_.clear();
        for (const prompb::Label& l : s.labels()) previous_.emplace_back(l.name(), l.value());
      }
      counts_.chunks += s.chunks_size();
      for (const prompb::Chunk& c : s.chunks())
        counts_.chunk_bytes += static_cast<int64_t>(c.data().size());
    }
    return absl::OkStatus();
  }

  bool SameAsPrevious(const prompb::ChunkedSeries& s) const {
    if (static_cast<size_t>(s.labels_size()) != previous_.size()) return false;
    for (int i = 0; i < s.labels_size(); ++i) {
      const auto& [name, value] = previous_[static_cast<size_t>(i)];
      if (s.labels(i).name() != name || s.labels(i).value() != value) return false;
    }
    return true;
  }

  ChunkedFrameReader reader_;
  prompb::ChunkedReadResponse resp_;
  std::vector<std::pair<std::string, std::string>> previous_;
  CallCounts counts_;
};

absl::StatusOr<CallCounts> DecodeJson(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("status", "") != "success" ||
      !j.contains("data") || !j["data"].is_array()) {
    return absl::InternalError(
        absl::StrCat("unexpected JSON answer: ", base::Absl(body.substr(0, kErrorBodyBytes))));
  }
  CallCounts c;
  c.items = static_cast<int64_t>(j["data"].size());
  c.frames = 1;
  c.wire_bytes = static_cast<int64_t>(body.size());
  return c;
}

// State shared with the libcurl write callback of one request.
struct Transfer {
  CURL* handle = nullptr;
  RemoteReadDecoder* decoder = nullptr;  // null: collect the body in `body`
  std::string* capture = nullptr;
  std::string body;
  long http_status = 0;
  absl::Status status;
};

size_t OnData(char* data, size_t size, size_t n, void* arg) {
  Transfer* t = static_cast<Transfer*>(arg);
  const size_t len = size * n;
  if (t->http_status == 0) curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &t->http_status);
  std::string_view bytes(data, len);
  if (t->http_status != 200) {
    if (t->body.size() < kErrorBodyBytes) t->body.append(bytes.substr(0, kErrorBodyBytes));
    return len;
  }
  if (t->capture != nullptr) t->capture->append(bytes);
  if (t->decoder == nullptr) {
    t->body.append(bytes);
    return len;
  }
  t->status = t->decoder->Feed(bytes);
  return t->status.ok() ? len : 0;
}

std::string Seconds(int64_t ms) { return absl::StrFormat("%d.%03d", ms / 1000, ms % 1000); }

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

absl::Status Perform(CURL* h, Transfer& t, const std::string& url) {
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnData);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  t.handle = h;
  CURLcode rc = curl_easy_perform(h);
  if (!t.status.ok()) return t.status;
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat(url, ": ", error[0] != 0 ? error : curl_easy_strerror(rc)));
  }
  if (t.http_status == 0) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.http_status);
  if (t.http_status != 200) {
    return absl::UnavailableError(absl::StrCat(url, ": HTTP ", t.http_status, ": ", t.body));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PrometheusClient>> PrometheusClient::Create(std::string base_url,
                                                                           double timeout_seconds) {
  GlobalInitOnce();
  auto curl = std::make_unique<Curl>();
  curl->handle = curl_easy_init();
  if (curl->handle == nullptr) return absl::UnavailableError("curl_easy_init failed");
  curl_easy_setopt(curl->handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl->handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds * 1000));
  curl_easy_setopt(curl->handle, CURLOPT_TCP_NODELAY, 1L);
  for (const char* h : {"Content-Encoding: snappy", "Accept-Encoding: snappy",
                        "Content-Type: application/x-protobuf", "User-Agent: charon-bench/1",
                        "X-Prometheus-Remote-Read-Version: 0.1.0"}) {
    curl->read_headers = curl_slist_append(curl->read_headers, h);
  }
  return std::unique_ptr<PrometheusClient>(
      new PrometheusClient(std::move(base_url), std::move(curl)));
}

PrometheusClient::PrometheusClient(std::string base_url, std::unique_ptr<Curl> curl)
    : base_url_(std::move(base_url)), curl_(std::move(curl)) {}

PrometheusClient::~PrometheusClient() = default;

absl::StatusOr<CallCounts> PrometheusClient::Call(const BenchQuery& q, std::string* capture) {
  return q.is_series() ? RemoteRead(q, capture) : GetJson(q, capture);
}

absl::StatusOr<CallCounts> PrometheusClient::RemoteRead(const BenchQuery& q, std::string* capture) {
  prompb::ReadRequest req;
  prompb::Query* query = req.add_queries();
  query->set_start_timestamp_ms(q.min_time_ms);
  query->set_end_timestamp_ms(q.max_time_ms);
  for (const MatcherSpec& m : q.matchers) {
    prompb::LabelMatcher* pm = query->add_matchers();
    pm->set_type(static_cast<prompb::LabelMatcher::Type>(static_cast<int>(m.type)));
    pm->set_name(m.name);
    pm->set_value(m.value);
  }
  req.add_accepted_response_types(prompb::ReadRequest::STREAMED_XOR_CHUNKS);
  std::string raw = req.SerializeAsString();
  std::string body;
  snappy::Compress(raw.data(), raw.size(), &body);

  CURL* h = curl_->handle;
  curl_easy_setopt(h, CURLOPT_HTTPGET, 0L);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, curl_->read_headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  RemoteReadDecoder decoder;
  Transfer t;
  t.decoder = &decoder;
  t.capture = capture;
  absl::Status s = Perform(h, t, base_url_ + "/api/v1/read");
  if (!s.ok()) return s;
  return decoder.Finish();
}

absl::StatusOr<CallCounts> PrometheusClient::GetJson(const BenchQuery& q, std::string* capture) {
  CURL* h = curl_->handle;
  std::string url = base_url_;
  switch (q.kind) {
    case QueryKind::kSeriesSkipChunks:
      url += "/api/v1/series";
      break;
    case QueryKind::kLabelNames:
      url += "/api/v1/labels";
      break;
    case QueryKind::kLabelValues: {
      char* escaped = curl_easy_escape(h, q.label.data(), static_cast<int>(q.label.size()));
      absl::StrAppend(&url, "/api/v1/label/", escaped, "/values");
      curl_free(escaped);
      break;
    }
    case QueryKind::kSeries:
      return absl::InternalError("series queries use remote read");
  }
  absl::StrAppend(&url, "?start=", Seconds(q.min_time_ms), "&end=", Seconds(q.max_time_ms));
  if (!q.matchers.empty()) {
    std::string sel = PromQLSelector(q.matchers);
    char* escaped = curl_easy_escape(h, sel.data(), static_cast<int>(sel.size()));
    absl::StrAppend(&url, "&match%5B%5D=", escaped);
    curl_free(escaped);
  }
  curl_easy_setopt(h, CURLOPT_POST, 0L);
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  Transfer t;
  t.capture = capture;
  absl::Status s = Perform(h, t, url);
  if (!s.ok()) return s;
  return DecodeJson(t.body);
}

absl::StatusOr<CallCounts> PrometheusClient::Decode(const BenchQuery& q, std::string_view body) {
  if (!q.is_series()) return DecodeJson(body);
  RemoteReadDecoder decoder;
  // Feed in pieces the size libcurl typically hands over, as while streaming.
  constexpr size_t kPiece = 16 * 1024;
  for (size_t pos = 0; pos < body.size(); pos += kPiece) {
    absl::Status s = decoder.Feed(body.substr(pos, kPiece));
    if (!s.ok()) return s;
  }
  return decoder.Finish();
}

}  // namespace charon::bench
