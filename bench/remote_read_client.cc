#include "bench/remote_read_client.h"

#include <curl/curl.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "base/crc32c.h"
#include "server/http/proto/remote.pb.h"
#include "snappy.h"

namespace charon::bench {
namespace {

namespace prompb = ::charon::server::http::prompb;

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

bool ReadVarint(std::string_view s, size_t* pos, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= s.size()) return false;
    const uint8_t b = static_cast<uint8_t>(s[(*pos)++]);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (b < 0x80) return true;
  }
  return false;
}

// Walks the fields of a message: calls fn(field, wire_type, payload) for length-delimited fields;
// skips varints. False on malformed input.
template <typename Fn>
bool ForEachLenField(std::string_view msg, Fn fn) {
  size_t pos = 0;
  while (pos < msg.size()) {
    uint64_t tag = 0, v = 0;
    if (!ReadVarint(msg, &pos, &tag)) return false;
    switch (tag & 7) {
      case 0:
        if (!ReadVarint(msg, &pos, &v)) return false;
        break;
      case 2:
        if (!ReadVarint(msg, &pos, &v) || msg.size() - pos < v) return false;
        fn(tag >> 3, msg.substr(pos, v));
        pos += v;
        break;
      default:
        return false;
    }
  }
  return true;
}

prompb::LabelMatcher::Type MatcherType(MatchType t) {
  switch (t) {
    case MatchType::kEq:
      return prompb::LabelMatcher::EQ;
    case MatchType::kNeq:
      return prompb::LabelMatcher::NEQ;
    case MatchType::kRe:
      return prompb::LabelMatcher::RE;
    case MatchType::kNre:
      return prompb::LabelMatcher::NRE;
  }
  return prompb::LabelMatcher::EQ;
}

}  // namespace

struct RemoteReadClient::Curl {
  CURL* handle = nullptr;
  curl_slist* headers = nullptr;
  ~Curl() {
    curl_slist_free_all(headers);
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

absl::StatusOr<std::unique_ptr<RemoteReadClient>> RemoteReadClient::Create(std::string url,
                                                                           double timeout_seconds) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto curl = std::make_unique<Curl>();
  curl->handle = curl_easy_init();
  if (curl->handle == nullptr) return absl::UnavailableError("curl_easy_init failed");
  for (const char* h : {"Content-Type: application/x-protobuf", "Content-Encoding: snappy",
                        "Accept-Encoding: snappy", "X-Prometheus-Remote-Read-Version: 0.1.0",
                        "User-Agent: charon-bench"}) {
    curl->headers = curl_slist_append(curl->headers, h);
  }
  curl_easy_setopt(curl->handle, CURLOPT_HTTPHEADER, curl->headers);
  curl_easy_setopt(curl->handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl->handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds * 1000));
  curl_easy_setopt(curl->handle, CURLOPT_WRITEFUNCTION, &AppendBody);
  return std::unique_ptr<RemoteReadClient>(new RemoteReadClient(std::move(url), std::move(curl)));
}

RemoteReadClient::RemoteReadClient(std::string url, std::unique_ptr<Curl> curl)
    : url_(std::move(url)), curl_(std::move(curl)) {}

RemoteReadClient::~RemoteReadClient() = default;

absl::StatusOr<RemoteReadCounts> RemoteReadClient::Call(const BenchQuery& q, RemoteReadType type) {
  prompb::ReadRequest req;
  prompb::Query* pq = req.add_queries();
  pq->set_start_timestamp_ms(q.min_time_ms);
  pq->set_end_timestamp_ms(q.max_time_ms);
  for (const MatcherSpec& m : q.matchers) {
    prompb::LabelMatcher* pm = pq->add_matchers();
    pm->set_type(MatcherType(m.type));
    pm->set_name(m.name);
    pm->set_value(m.value);
  }
  req.add_accepted_response_types(static_cast<prompb::ReadRequest::ResponseType>(type));
  const std::string raw = req.SerializeAsString();
  std::string payload;
  snappy::Compress(raw.data(), raw.size(), &payload);

  body_.clear();
  CURL* c = curl_->handle;
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body_);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("POST ", url_, ": ", curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return absl::UnavailableError(
        absl::StrCat("POST ", url_, ": HTTP ", status, ": ", body_.substr(0, 200)));
  }
  if (type == RemoteReadType::kStreamed) return CountStreamed(body_);

  RemoteReadCounts counts;
  counts.wire_bytes = static_cast<int64_t>(body_.size());
  std::string decoded;
  if (!snappy::Uncompress(body_.data(), body_.size(), &decoded)) {
    return absl::InternalError("SAMPLES answer is not snappy");
  }
  prompb::ReadResponse resp;
  if (!resp.ParseFromString(decoded)) return absl::InternalError("SAMPLES answer does not parse");
  for (const prompb::QueryResult& r : resp.results()) {
    counts.series += r.timeseries_size();
    for (const prompb::TimeSeries& ts : r.timeseries()) counts.samples += ts.samples_size();
  }
  return counts;
}

absl::StatusOr<RemoteReadCounts> CountStreamed(std::string_view body) {
  RemoteReadCounts counts;
  counts.wire_bytes = static_cast<int64_t>(body.size());
  std::string last_labels;
  size_t pos = 0;
  while (pos < body.size()) {
    uint64_t len = 0;
    if (!ReadVarint(body, &pos, &len) || body.size() - pos < 4 + len) {
      return absl::DataLossError("truncated frame");
    }
    uint32_t crc = 0;
    for (int i = 0; i < 4; ++i) crc = crc << 8 | static_cast<uint8_t>(body[pos + i]);
    std::string_view msg = body.substr(pos + 4, len);
    pos += 4 + len;
    if (base::Crc32c(msg) != crc) return absl::DataLossError("corrupted frame");
    ++counts.frames;
    bool ok = ForEachLenField(msg, [&](uint64_t field, std::string_view series) {
      if (field != 1) return;
      std::string labels;
      ForEachLenField(series, [&](uint64_t f, std::string_view v) {
        if (f == 1) labels.append(v.data(), v.size()).push_back('\xff');
        if (f == 2) ++counts.chunks;
      });
      if (labels != last_labels) {
        ++counts.series;
        last_labels = std::move(labels);
      }
    });
    if (!ok) return absl::DataLossError("frame does not parse");
  }
  return counts;
}

}  // namespace charon::bench
