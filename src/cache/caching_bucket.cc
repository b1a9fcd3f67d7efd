#include "cache/caching_bucket.h"

#include <prometheus/counter.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/logging.h"
#include "base/parallel.h"
#include "base/strings.h"
#include "cache/bucket_cache_codecs.h"
#include "cache/subranges.h"
#include "objstore/bucket_op.h"
#include "objstore/object_name.h"

namespace charon::cache {
namespace {

constexpr char kChunks[] = "chunks";
constexpr char kMetas[] = "meta.jsons";
constexpr char kBlocksIter[] = "blocks-iter";
constexpr char kOriginCache[] = "cache";
constexpr char kOriginBucket[] = "bucket";

std::string OpName(objstore::BucketOp op) { return std::string(objstore::BucketOpName(op)); }

std::string Key(std::string_view verb, std::string_view name) {
  return absl::StrCat(base::Absl(verb), ":", base::Absl(name));
}

}  // namespace

bool IsChunkFile(std::string_view name) {
  constexpr std::string_view kDir = "/chunks/";
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == name.size()) return false;
  std::string_view digits = name.substr(slash + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return absl::EndsWith(base::Absl(name.substr(0, slash + 1)), base::Absl(kDir));
}

bool IsMetaFile(std::string_view name) {
  return absl::EndsWith(base::Absl(name), "/meta.json") ||
         absl::EndsWith(base::Absl(name), "/deletion-mark.json");
}

struct CachingBucket::Metrics {
  explicit Metrics(prometheus::Registry& r)
      : requests(prometheus::BuildCounter()
                     .Name("thanos_store_bucket_cache_operation_requests_total")
                     .Help("Number of requested operations matching given config.")
                     .Register(r)),
        hits(prometheus::BuildCounter()
                 .Name("thanos_store_bucket_cache_operation_hits_total")
                 .Help("Number of operations served from cache for given config.")
                 .Register(r)),
        requested_bytes(prometheus::BuildCounter()
                            .Name("thanos_store_bucket_cache_getrange_requested_bytes_total")
                            .Help("Total number of bytes requested via GetRange.")
                            .Register(r)),
        fetched_bytes(prometheus::BuildCounter()
                          .Name("thanos_store_bucket_cache_getrange_fetched_bytes_total")
                          .Help("Total number of bytes fetched because of GetRange operation. "
                                "Data from bucket is then stored to cache.")
                          .Register(r)),
        refetched_bytes(prometheus::BuildCounter()
                            .Name("thanos_store_bucket_cache_getrange_refetched_bytes_total")
                            .Help("Total number of bytes re-fetched from storage because of "
                                  "GetRange operation, despite being in cache already.")
                            .Register(r)) {
    // Every series Thanos creates up front, so dashboards see zeros instead of gaps.
    for (auto [op, config] : {std::pair{objstore::BucketOp::kGetRange, kChunks},
                              {objstore::BucketOp::kAttributes, kChunks},
                              {objstore::BucketOp::kExists, kMetas},
                              {objstore::BucketOp::kGet, kMetas},
                              {objstore::BucketOp::kIter, kBlocksIter}}) {
      Requests(op, config);
      Hits(op, config);
    }
    requested_bytes.Add({{"config", kChunks}});
    for (const char* origin : {kOriginCache, kOriginBucket}) {
      Fetched(origin);
      Refetched(origin);
    }
  }

  prometheus::Counter& Requests(objstore::BucketOp op, const char* config) {
    return requests.Add({{"operation", OpName(op)}, {"config", config}});
  }
  prometheus::Counter& Hits(objstore::BucketOp op, const char* config) {
    return hits.Add({{"operation", OpName(op)}, {"config", config}});
  }
  prometheus::Counter& Fetched(const char* origin) {
    return fetched_bytes.Add({{"origin", origin}, {"config", kChunks}});
  }
  prometheus::Counter& Refetched(const char* origin) {
    return refetched_bytes.Add({{"origin", origin}, {"config", kChunks}});
  }

  prometheus::Family<prometheus::Counter>& requests;
  prometheus::Family<prometheus::Counter>& hits;
  prometheus::Family<prometheus::Counter>& requested_bytes;
  prometheus::Family<prometheus::Counter>& fetched_bytes;
  prometheus::Family<prometheus::Counter>& refetched_bytes;
};

CachingBucket::CachingBucket(std::shared_ptr<objstore::Bucket> inner, std::unique_ptr<Cache> cache,
                             CachingBucketOptions options, prometheus::Registry& registry)
    : objstore::BucketWrapper(std::move(inner)),
      cache_(std::move(cache)),
      options_(std::move(options)),
      metrics_(std::make_unique<Metrics>(registry)) {}

CachingBucket::~CachingBucket() = default;

std::string CachingBucket::Name() const { return "caching: " + target()->Name(); }

absl::Status CachingBucket::Iter(std::string_view dir,
                                 const std::function<absl::Status(std::string_view name)>& fn,
                                 objstore::IterOptions options) {
  if (!dir.empty()) return target()->Iter(dir, fn, options);
  metrics_->Requests(objstore::BucketOp::kIter, kBlocksIter).Increment();
  const std::string key = absl::StrCat(options.recursive ? "iter-recursive" : "iter", ":",
                                       base::Absl(dir), ":", options_.iter_config_hash);
  auto hits = cache_->Fetch({key});
  if (auto it = hits.find(key); it != hits.end()) {
    if (std::optional<std::vector<std::string>> names = DecodeNames(it->second)) {
      metrics_->Hits(objstore::BucketOp::kIter, kBlocksIter).Increment();
      for (const std::string& n : *names) {
        absl::Status s = fn(n);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    base::LogWarn("failed to decode cached Iter result", {{"key", key}});
  }
  const absl::Time started = Now();
  std::vector<std::string> names;
  absl::Status s = target()->Iter(
      dir,
      [&](std::string_view name) {
        names.emplace_back(name);
        return fn(name);
      },
      options);
  const absl::Duration ttl = options_.blocks_iter_ttl - (Now() - started);
  if (s.ok() && ttl > absl::ZeroDuration()) {
    if (std::optional<std::string> encoded = EncodeNames(names)) {
      cache_->Store({{key, std::move(*encoded)}}, ttl);
    }
  }
  return s;
}

void CachingBucket::StoreExists(const std::string& key, bool exists, absl::Time started) {
  absl::Duration ttl =
      (exists ? options_.metafile_exists_ttl : options_.metafile_doesnt_exist_ttl) -
      (Now() - started);
  if (ttl > absl::ZeroDuration()) cache_->Store({{key, EncodeBool(exists)}}, ttl);
}

absl::StatusOr<bool> CachingBucket::Exists(std::string_view name) {
  if (!IsMetaFile(name) || !objstore::ValidateObjectName(name).ok()) return target()->Exists(name);
  metrics_->Requests(objstore::BucketOp::kExists, kMetas).Increment();
  const std::string key = Key("exists", name);
  auto hits = cache_->Fetch({key});
  if (auto it = hits.find(key); it != hits.end()) {
    if (std::optional<bool> exists = DecodeBool(it->second)) {
      metrics_->Hits(objstore::BucketOp::kExists, kMetas).Increment();
      return *exists;
    }
    base::LogWarn("unexpected cached 'exists' value", {{"key", key}, {"val", it->second}});
  }
  const absl::Time started = Now();
  absl::StatusOr<bool> exists = target()->Exists(name);
  if (exists.ok()) StoreExists(key, *exists, started);
  return exists;
}

absl::StatusOr<std::string> CachingBucket::Get(std::string_view name) {
  if (!IsMetaFile(name) || !objstore::ValidateObjectName(name).ok()) return target()->Get(name);
  metrics_->Requests(objstore::BucketOp::kGet, kMetas).Increment();
  const std::string content_key = Key("content", name);
  const std::string exists_key = Key("exists", name);
  auto hits = cache_->Fetch({content_key, exists_key});
  if (auto it = hits.find(content_key); it != hits.end()) {
    metrics_->Hits(objstore::BucketOp::kGet, kMetas).Increment();
    return std::move(it->second);
  }
  // A cached "does not exist" answers at once; this is what makes deletion-mark lookups cheap.
  if (auto it = hits.find(exists_key); it != hits.end()) {
    if (std::optional<bool> exists = DecodeBool(it->second); exists && !*exists) {
      metrics_->Hits(objstore::BucketOp::kGet, kMetas).Increment();
      return absl::NotFoundError(absl::StrCat("object not found: ", base::Absl(name)));
    }
  }
  const absl::Time started = Now();
  absl::StatusOr<std::string> content = target()->Get(name);
  if (!content.ok()) {
    if (absl::IsNotFound(content.status())) StoreExists(exists_key, false, started);
    return content;
  }
  StoreExists(exists_key, true, started);
  const absl::Duration ttl = options_.metafile_content_ttl - (Now() - started);
  if (static_cast<int64_t>(content->size()) <= options_.metafile_max_size &&
      ttl > absl::ZeroDuration()) {
    cache_->Store({{content_key, *content}}, ttl);
  }
  return content;
}

absl::StatusOr<objstore::ObjectAttributes> CachingBucket::Attributes(std::string_view name) {
  if (!IsChunkFile(name) || !objstore::ValidateObjectName(name).ok()) {
    return target()->Attributes(name);
  }
  return CachedAttributes(name);
}

absl::StatusOr<objstore::ObjectAttributes> CachingBucket::CachedAttributes(std::string_view name) {
  metrics_->Requests(objstore::BucketOp::kAttributes, kChunks).Increment();
  const std::string key = Key("attrs", name);
  auto hits = cache_->Fetch({key});
  if (auto it = hits.find(key); it != hits.end()) {
    if (std::optional<objstore::ObjectAttributes> attrs = DecodeAttributes(it->second)) {
      metrics_->Hits(objstore::BucketOp::kAttributes, kChunks).Increment();
      return *attrs;
    }
    base::LogWarn("failed to decode cached Attributes result", {{"key", key}});
  }
  absl::StatusOr<objstore::ObjectAttributes> attrs = target()->Attributes(name);
  if (attrs.ok()) cache_->Store({{key, EncodeAttributes(*attrs)}}, options_.chunk_object_attrs_ttl);
  return attrs;
}

absl::StatusOr<std::string> CachingBucket::GetRange(std::string_view name, int64_t offset,
                                                    int64_t length) {
  if (offset < 0 || length <= 0 || !IsChunkFile(name) || !objstore::ValidateObjectName(name).ok()) {
    return target()->GetRange(name, offset, length);
  }
  return CachedGetRange(name, offset, length);
}

absl::StatusOr<std::string> CachingBucket::CachedGetRange(std::string_view name, int64_t offset,
                                                          int64_t length) {
  metrics_->Requests(objstore::BucketOp::kGetRange, kChunks).Increment();
  metrics_->requested_bytes.Add({{"config", kChunks}}).Increment(static_cast<double>(length));
  absl::StatusOr<objstore::ObjectAttributes> attrs = CachedAttributes(name);
  if (!attrs.ok()) {
    return absl::Status(attrs.status().code(),
                        absl::StrCat("failed to get object attributes: ", base::Absl(name), ": ",
                                     attrs.status().message()));
  }
  const int64_t size = attrs->size;
  const int64_t subrange_size = options_.chunk_subrange_size;
  std::vector<ByteRange> subranges = CoveringSubranges(offset, length, size, subrange_size);
  if (subranges.empty()) return std::string();

  std::vector<std::string> keys;
  keys.reserve(subranges.size());
  for (const ByteRange& r : subranges) keys.push_back(SubrangeKey(name, r));
  absl::flat_hash_map<std::string, std::string> hits = cache_->Fetch(keys);
  // A cached piece of the wrong length (the object changed) is not usable.
  for (size_t i = 0; i < subranges.size(); ++i) {
    auto it = hits.find(keys[i]);
    if (it != hits.end() &&
        static_cast<int64_t>(it->second.size()) != subranges[i].end - subranges[i].start) {
      hits.erase(it);
    }
  }
  int64_t cached_bytes = 0;
  for (const auto& [k, v] : hits) cached_bytes += static_cast<int64_t>(v.size());
  metrics_->Fetched(kOriginCache).Increment(static_cast<double>(cached_bytes));
  metrics_->Hits(objstore::BucketOp::kGetRange, kChunks)
      .Increment(static_cast<double>(hits.size()) / static_cast<double>(keys.size()));

  if (hits.size() < keys.size()) {
    std::vector<ByteRange> missing;
    for (size_t i = 0; i < subranges.size(); ++i) {
      if (!hits.contains(keys[i])) missing.push_back(subranges[i]);
    }
    missing =
        MergeMissing(std::move(missing), subrange_size, options_.max_chunks_get_range_requests);
    absl::Mutex mu;
    absl::Status s = base::ParallelFor(
        missing.size(), static_cast<int>(missing.size()), [&](size_t m) -> absl::Status {
          const ByteRange want{missing[m].start, std::min(missing[m].end, size)};
          absl::StatusOr<std::string> data =
              target()->GetRange(name, want.start, want.end - want.start);
          if (!data.ok()) {
            return absl::Status(data.status().code(),
                                absl::StrCat("fetching range [", want.start, ", ", want.end,
                                             "]: ", data.status().message()));
          }
          if (static_cast<int64_t>(data->size()) != want.end - want.start) {
            return absl::UnavailableError(absl::StrCat(
                "fetching range [", want.start, ", ", want.end, "] of ", base::Absl(name), ": got ",
                data->size(), " bytes; the object changed size"));
          }
          std::vector<CacheItem> to_store;
          int64_t fetched = 0, refetched = 0;
          {
            absl::MutexLock lock(&mu);
            for (size_t i = 0; i < subranges.size(); ++i) {
              const ByteRange& r = subranges[i];
              if (r.start < want.start || r.end > want.end) continue;
              std::string piece = data->substr(static_cast<size_t>(r.start - want.start),
                                               static_cast<size_t>(r.end - r.start));
              if (hits.contains(keys[i])) {
                refetched += r.end - r.start;
                continue;
              }
              fetched += r.end - r.start;
              to_store.emplace_back(keys[i], piece);
              hits.emplace(keys[i], std::move(piece));
            }
          }
          metrics_->Fetched(kOriginBucket).Increment(static_cast<double>(fetched));
          metrics_->Refetched(kOriginCache).Increment(static_cast<double>(refetched));
          if (!to_store.empty()) cache_->Store(std::move(to_store), options_.chunk_subrange_ttl);
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
  }

  const int64_t end = std::min(size, offset + length);
  std::string out;
  out.reserve(static_cast<size_t>(end - offset));
  for (size_t i = 0; i < subranges.size(); ++i) {
    const ByteRange& r = subranges[i];
    const std::string& piece = hits.at(keys[i]);
    const int64_t from = std::max(offset, r.start) - r.start;
    const int64_t to = std::min(end, r.end) - r.start;
    out.append(piece, static_cast<size_t>(from), static_cast<size_t>(to - from));
  }
  return out;
}

}  // namespace charon::cache
