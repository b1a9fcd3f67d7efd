#include "server/grpc/conversions.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "tsdb/labels.h"

namespace charon::server::grpc {
namespace {

constexpr char kDefaultTenant[] = "default-tenant";

// Longest name or value quoted in an error text; the rest is summarized by its length.
constexpr size_t kMaxQuoted = 128;

// Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF), or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      const auto bk = static_cast<unsigned char>(s[i + k]);
      if (bk < 0x80 || bk > 0xbf) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

// `s` Go-quoted for an error text, cut to kMaxQuoted bytes: a client's 4 MB value must not come
// back as a 4 MB grpc-message.
std::string QuoteForError(std::string_view s) {
  if (s.size() <= kMaxQuoted) return tsdb::GoQuote(s);
  return absl::StrCat(tsdb::GoQuote(s.substr(0, kMaxQuoted)), "... (", s.size(), " bytes)");
}

// InvalidArgument naming `what` and the offset unless `s` is valid UTF-8. Thanos' Go decoder and
// Prometheus' parser both reject such bytes; the engine would otherwise compare raw bytes.
absl::Status CheckUtf8(std::string_view s, std::string_view what) {
  const size_t bad = FirstInvalidUtf8(s);
  if (bad == std::string_view::npos) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(base::Absl(what), " ", QuoteForError(s),
                                                 " is not valid UTF-8 (byte ", bad, ")"));
}

std::string TenantOrDefault(const std::string& tenant) {
  return tenant.empty() ? std::string(kDefaultTenant) : tenant;
}

std::vector<std::string> ToStrings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  return std::vector<std::string>(in.begin(), in.end());
}

// Unpacks `any` into `msg`. As Go's UnmarshalAny, the type is the part of the URL after the last
// '/'; it must name `msg`'s type. `what` names the hints in the error text, as Thanos does
// ("unmarshal series request hints").
absl::Status UnpackHints(const google::protobuf::Any& any, google::protobuf::Message* msg,
                         std::string_view what) {
  const std::string& url = any.type_url();
  size_t slash = url.rfind('/');
  if (slash == std::string::npos || url.substr(slash + 1) != msg->GetDescriptor()->full_name()) {
    return absl::InvalidArgumentError(absl::StrCat("unmarshal ", base::Absl(what),
                                                   ": hints of type \"", url, "\", want ",
                                                   msg->GetDescriptor()->full_name()));
  }
  if (!msg->ParseFromString(any.value())) {
    return absl::InvalidArgumentError(absl::StrCat("unmarshal ", base::Absl(what), ": malformed ",
                                                   msg->GetDescriptor()->full_name()));
  }
  return absl::OkStatus();
}

google::protobuf::Duration SecondsToDuration(double seconds) {
  google::protobuf::Duration d;
  if (!std::isfinite(seconds)) return d;
  double whole = std::trunc(seconds);
  d.set_seconds(static_cast<int64_t>(whole));
  d.set_nanos(static_cast<int32_t>(std::llround((seconds - whole) * 1e9)));
  return d;
}

void ChunkToProto(const std::optional<store::ChunkData>& in, thanos::Chunk* out) {
  out->set_type(static_cast<thanos::Chunk::Encoding>(in->encoding));
  out->set_data(in->data.data(), in->data.size());
  out->set_hash(in->hash);
}

}  // namespace

::grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return ::grpc::Status::OK;
  return ::grpc::Status(static_cast<::grpc::StatusCode>(s.code()),
                        TruncateErrorMessage(s.message()));
}

std::string TruncateErrorMessage(absl::string_view message) {
  if (message.size() <= kMaxErrorMessageBytes) return std::string(message);
  const std::string suffix = absl::StrCat(" ... (error text cut from ", message.size(), " bytes)");
  size_t keep = kMaxErrorMessageBytes - suffix.size();
  // Back up to a character boundary so the text stays valid UTF-8 where it was.
  while (keep > 0 && (static_cast<unsigned char>(message[keep]) & 0xc0) == 0x80) --keep;
  return absl::StrCat(message.substr(0, keep), suffix);
}

absl::Status FromGrpcStatus(const ::grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

absl::StatusOr<std::vector<tsdb::Matcher>> MatchersFromProto(
    const google::protobuf::RepeatedPtrField<thanos::LabelMatcher>& matchers,
    cache::MatchersCache* matchers_cache) {
  std::vector<tsdb::Matcher> out;
  out.reserve(matchers.size());
  for (const thanos::LabelMatcher& m : matchers) {
    CHARON_RETURN_IF_ERROR(CheckUtf8(m.name(), "label matcher name"));
    if (FirstInvalidUtf8(m.value()) != std::string_view::npos) {
      return CheckUtf8(m.value(),
                       absl::StrCat("value of the matcher for label ", QuoteForError(m.name())));
    }
    tsdb::MatchType type;
    switch (m.type()) {
      case thanos::LabelMatcher::EQ:
        type = tsdb::MatchType::kEqual;
        break;
      case thanos::LabelMatcher::NEQ:
        type = tsdb::MatchType::kNotEqual;
        break;
      case thanos::LabelMatcher::RE:
        type = tsdb::MatchType::kRegexMatch;
        break;
      case thanos::LabelMatcher::NRE:
        type = tsdb::MatchType::kRegexNoMatch;
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat("unrecognized label matcher type ",
                                                       static_cast<int>(m.type()), " for label ",
                                                       QuoteForError(m.name())));
    }
    absl::StatusOr<tsdb::Matcher> matcher =
        matchers_cache != nullptr ? matchers_cache->GetOrCreate(type, m.name(), m.value())
                                  : tsdb::Matcher::Create(type, m.name(), m.value());
    if (!matcher.ok()) {
      // Whatever the matcher library says, a matcher the client sent is the client's mistake.
      return absl::InvalidArgumentError(absl::StrCat(
          "bad matcher for label ", QuoteForError(m.name()), ": ", matcher.status().message()));
    }
    out.push_back(*std::move(matcher));
  }
  return out;
}

absl::StatusOr<store::SeriesRequest> SeriesRequestFromProto(const thanos::SeriesRequest& req,
                                                            const std::string& tenant,
                                                            cache::MatchersCache* matchers_cache) {
  store::SeriesRequest out;
  if (req.min_time() > req.max_time()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid time range: min_time ", req.min_time(),
                                                   " is after max_time ", req.max_time()));
  }
  out.min_time = req.min_time();
  out.max_time = req.max_time();
  CHARON_ASSIGN_OR_RETURN(out.matchers, MatchersFromProto(req.matchers(), matchers_cache));
  // A negative window would select no resolution at all; treat it as raw data.
  out.max_resolution_window = std::max<int64_t>(req.max_resolution_window(), 0);
  for (int a : req.aggregates()) {
    if (a < thanos::RAW || a > thanos::COUNTER) {
      return absl::InvalidArgumentError(absl::StrCat("unknown aggregate type ", a));
    }
    out.aggregates.push_back(static_cast<store::Aggr>(a));
  }
  out.skip_chunks = req.skip_chunks();
  out.without_replica_labels = ToStrings(req.without_replica_labels());
  out.limit = std::max<int64_t>(req.limit(), 0);
  // Thanos shards only when total_shards >= 1; anything less would divide by zero.
  if (req.has_shard_info() && req.shard_info().total_shards() >= 1) {
    const thanos::ShardInfo& s = req.shard_info();
    out.shard_info =
        store::ShardInfo{s.shard_index(), s.total_shards(), s.by(), ToStrings(s.labels())};
  }
  if (req.has_hints()) {
    hintspb::SeriesRequestHints hints;
    CHARON_RETURN_IF_ERROR(UnpackHints(req.hints(), &hints, "series request hints"));
    CHARON_ASSIGN_OR_RETURN(out.block_matchers,
                            MatchersFromProto(hints.block_matchers(), matchers_cache));
    out.enable_query_stats = hints.enable_query_stats();
  }
  out.tenant = TenantOrDefault(tenant);
  return out;
}

namespace {

// The fields LabelNames and LabelValues requests share; `Hints` is the request's hints message.
template <typename Hints, typename Request>
absl::Status LabelRequestFromProto(const Request& req, const std::string& tenant,
                                   std::string_view hints_what,
                                   cache::MatchersCache* matchers_cache,
                                   store::LabelNamesRequest& out) {
  out.start = req.start();
  out.end = req.end();
  CHARON_ASSIGN_OR_RETURN(out.matchers, MatchersFromProto(req.matchers(), matchers_cache));
  out.without_replica_labels = ToStrings(req.without_replica_labels());
  out.limit = std::max<int64_t>(req.limit(), 0);
  if (req.has_hints()) {
    Hints hints;
    CHARON_RETURN_IF_ERROR(UnpackHints(req.hints(), &hints, hints_what));
    CHARON_ASSIGN_OR_RETURN(out.block_matchers,
                            MatchersFromProto(hints.block_matchers(), matchers_cache));
  }
  out.tenant = TenantOrDefault(tenant);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<store::LabelNamesRequest> LabelNamesRequestFromProto(
    const thanos::LabelNamesRequest& req, const std::string& tenant,
    cache::MatchersCache* matchers_cache) {
  store::LabelNamesRequest out;
  CHARON_RETURN_IF_ERROR(LabelRequestFromProto<hintspb::LabelNamesRequestHints>(
      req, tenant, "label names request hints", matchers_cache, out));
  return out;
}

absl::StatusOr<store::LabelValuesRequest> LabelValuesRequestFromProto(
    const thanos::LabelValuesRequest& req, const std::string& tenant,
    cache::MatchersCache* matchers_cache) {
  store::LabelValuesRequest out;
  CHARON_RETURN_IF_ERROR(CheckUtf8(req.label(), "label name"));
  out.label = req.label();
  CHARON_RETURN_IF_ERROR(LabelRequestFromProto<hintspb::LabelValuesRequestHints>(
      req, tenant, "label values request hints", matchers_cache, out));
  return out;
}

void LabelsToProto(const tsdb::Labels& labels,
                   google::protobuf::RepeatedPtrField<thanos::Label>* out) {
  out->Reserve(out->size() + static_cast<int>(labels.size()));
  for (const tsdb::Label& l : labels) {
    thanos::Label* pl = out->Add();
    pl->set_name(l.name);
    pl->set_value(l.value);
  }
}

tsdb::Labels LabelsFromProto(const google::protobuf::RepeatedPtrField<thanos::Label>& labels) {
  tsdb::Labels out;
  out.reserve(labels.size());
  for (const thanos::Label& l : labels) out.push_back({l.name(), l.value()});
  return out;
}

namespace {

// Element `i` of `field`: the one already there (to be overwritten) or a new one.
template <typename T>
T* ElementAt(google::protobuf::RepeatedPtrField<T>* field, int i) {
  return i < field->size() ? field->Mutable(i) : field->Add();
}

// Sets chunk field `which` of `out` to `in`, reusing the Chunk already there; clears it if `in`
// is empty.
template <typename Mutable, typename Clear>
void RefillChunk(const std::optional<store::ChunkData>& in, bool has, Mutable mutable_chunk,
                 Clear clear) {
  if (in) {
    ChunkToProto(in, mutable_chunk());
  } else if (has) {
    clear();
  }
}

}  // namespace

void SeriesToProto(const store::SeriesOut& series, thanos::Series* out) {
  auto* labels = out->mutable_labels();
  int n = 0;
  for (const tsdb::Label& l : series.labels) {
    thanos::Label* pl = ElementAt(labels, n++);
    pl->set_name(l.name);
    pl->set_value(l.value);
  }
  while (labels->size() > n) labels->RemoveLast();

  auto* chunks = out->mutable_chunks();
  n = 0;
  for (const store::AggrChunk& c : series.chunks) {
    thanos::AggrChunk* pc = ElementAt(chunks, n++);
    pc->set_min_time(c.min_time);
    pc->set_max_time(c.max_time);
    RefillChunk(
        c.raw, pc->has_raw(), [&] { return pc->mutable_raw(); }, [&] { pc->clear_raw(); });
    RefillChunk(
        c.count, pc->has_count(), [&] { return pc->mutable_count(); }, [&] { pc->clear_count(); });
    RefillChunk(
        c.sum, pc->has_sum(), [&] { return pc->mutable_sum(); }, [&] { pc->clear_sum(); });
    RefillChunk(
        c.min, pc->has_min(), [&] { return pc->mutable_min(); }, [&] { pc->clear_min(); });
    RefillChunk(
        c.max, pc->has_max(), [&] { return pc->mutable_max(); }, [&] { pc->clear_max(); });
    RefillChunk(
        c.counter, pc->has_counter(), [&] { return pc->mutable_counter(); },
        [&] { pc->clear_counter(); });
  }
  while (chunks->size() > n) chunks->RemoveLast();
}

hintspb::SeriesResponseHints SeriesResponseHintsToProto(const store::SeriesResult& result,
                                                        bool with_query_stats) {
  hintspb::SeriesResponseHints out;
  for (const std::string& id : result.queried_blocks) out.add_queried_blocks()->set_id(id);
  if (!with_query_stats) return out;
  const store::QueryStats& s = result.stats;
  hintspb::QueryStats* q = out.mutable_query_stats();
  q->set_blocks_queried(s.blocks_queried);
  q->set_merged_series_count(s.merged_series_count);
  q->set_merged_chunks_count(s.merged_chunks_count);
  q->set_postings_touched(s.postings_touched);
  q->set_postings_touched_size_sum(s.postings_touched_size_sum);
  q->set_postings_fetched(s.postings_fetched);
  q->set_postings_fetched_size_sum(s.postings_fetched_size_sum);
  q->set_postings_fetch_count(s.postings_fetch_count);
  q->set_series_touched(s.series_touched);
  q->set_series_touched_size_sum(s.series_touched_size_sum);
  q->set_series_fetched(s.series_fetched);
  q->set_series_fetched_size_sum(s.series_fetched_size_sum);
  q->set_series_fetch_count(s.series_fetch_count);
  q->set_chunks_touched(s.chunks_touched);
  q->set_chunks_touched_size_sum(s.chunks_touched_size_sum);
  q->set_chunks_fetched(s.chunks_fetched);
  q->set_chunks_fetched_size_sum(s.chunks_fetched_size_sum);
  q->set_chunks_fetch_count(s.chunks_fetch_count);
  q->set_data_downloaded_size_sum(s.data_downloaded_size_sum);
  *q->mutable_get_all_duration() = SecondsToDuration(s.get_all_duration_seconds);
  *q->mutable_merge_duration() = SecondsToDuration(s.merge_duration_seconds);
  return out;
}

}  // namespace charon::server::grpc
