#include "cache/index_cache.h"

#include "absl/status/statusor.h"
#include "base/logging.h"
#include "cache/index_cache_keys.h"
#include "cache/postings_codec.h"

namespace charon::cache {
namespace {

constexpr char kDefaultTenant[] = "default-tenant";

}  // namespace

IndexCache::IndexCache(std::unique_ptr<Cache> backend, IndexCacheOptions options,
                       prometheus::Registry& registry)
    : backend_(std::move(backend)), options_(std::move(options)) {
  auto& requests = prometheus::BuildCounter()
                       .Name("thanos_store_index_cache_requests_total")
                       .Help("Total number of items requests to the cache.")
                       .Register(registry);
  auto& hits = prometheus::BuildCounter()
                   .Name("thanos_store_index_cache_hits_total")
                   .Help("Total number of items requests to the cache that were a hit.")
                   .Register(registry);
  for (IndexItemType t : kAllIndexItemTypes) {
    std::map<std::string, std::string> labels = {{"item_type", std::string(IndexItemTypeName(t))},
                                                 {"tenant", kDefaultTenant}};
    requests_[static_cast<int>(t)] = &requests.Add(labels);
    hits_[static_cast<int>(t)] = &hits.Add(labels);
  }
}

void IndexCache::Count(IndexItemType t, size_t requests, size_t hits) {
  requests_[static_cast<int>(t)]->Increment(static_cast<double>(requests));
  hits_[static_cast<int>(t)]->Increment(static_cast<double>(hits));
}

void IndexCache::Undecodable(std::string_view block, IndexItemType type, std::string_view key,
                             const absl::Status& status) {
  int64_t suppressed = 0;
  if (!undecodable_log_.Allow(&suppressed)) return;
  base::LogWarn("index cache entry does not decode; treated as a miss",
                {{"cache", backend_->Name()},
                 {"block", block},
                 {"item_type", IndexItemTypeName(type)},
                 {"key", key},
                 {"err", status},
                 {"suppressed_since_last_log", suppressed}});
}

void IndexCache::StorePostings(
    std::string_view block,
    std::span<const std::pair<tsdb::Label, std::vector<uint64_t>>> postings) {
  if (!enabled(IndexItemType::kPostings) || postings.empty()) return;
  std::vector<CacheItem> items;
  items.reserve(postings.size());
  for (const auto& [label, refs] : postings) {
    items.emplace_back(PostingsKey(block, label.name, label.value, options_.codec_suffix),
                       EncodePostings(refs));
  }
  backend_->Store(std::move(items), options_.ttl);
}

std::vector<std::optional<std::vector<uint64_t>>> IndexCache::FetchMultiPostings(
    std::string_view block, std::span<const tsdb::Label> labels) {
  std::vector<std::optional<std::vector<uint64_t>>> result(labels.size());
  if (!enabled(IndexItemType::kPostings) || labels.empty()) return result;
  std::vector<std::string> keys;
  keys.reserve(labels.size());
  for (const tsdb::Label& l : labels) {
    keys.push_back(PostingsKey(block, l.name, l.value, options_.codec_suffix));
  }
  absl::flat_hash_map<std::string, std::string> found = backend_->Fetch(keys);
  size_t hits = 0;
  for (size_t i = 0; i < keys.size() && !found.empty(); ++i) {
    auto it = found.find(keys[i]);
    if (it == found.end()) continue;
    absl::StatusOr<std::vector<uint64_t>> refs = DecodePostings(it->second);
    if (!refs.ok()) {
      Undecodable(block, IndexItemType::kPostings, keys[i], refs.status());
      continue;
    }
    result[i] = std::move(refs).value();
    ++hits;
  }
  Count(IndexItemType::kPostings, keys.size(), hits);
  return result;
}

void IndexCache::StoreExpandedPostings(std::string_view block, std::string_view matchers,
                                       std::span<const uint64_t> refs) {
  if (!enabled(IndexItemType::kExpandedPostings)) return;
  std::vector<CacheItem> items;
  items.emplace_back(ExpandedPostingsKey(block, matchers, options_.codec_suffix),
                     EncodePostings(refs));
  backend_->Store(std::move(items), options_.ttl);
}

std::optional<std::vector<uint64_t>> IndexCache::FetchExpandedPostings(std::string_view block,
                                                                       std::string_view matchers) {
  if (!enabled(IndexItemType::kExpandedPostings)) return std::nullopt;
  std::vector<std::string> keys = {ExpandedPostingsKey(block, matchers, options_.codec_suffix)};
  absl::flat_hash_map<std::string, std::string> found = backend_->Fetch(keys);
  std::optional<std::vector<uint64_t>> result;
  if (auto it = found.find(keys[0]); it != found.end()) {
    absl::StatusOr<std::vector<uint64_t>> refs = DecodePostings(it->second);
    if (refs.ok()) {
      result = std::move(refs).value();
    } else {
      Undecodable(block, IndexItemType::kExpandedPostings, keys[0], refs.status());
    }
  }
  Count(IndexItemType::kExpandedPostings, 1, result.has_value() ? 1 : 0);
  return result;
}

void IndexCache::StoreSeries(std::string_view block,
                             std::vector<std::pair<uint64_t, std::string>> series) {
  if (!enabled(IndexItemType::kSeries) || series.empty()) return;
  std::vector<CacheItem> items;
  items.reserve(series.size());
  for (auto& [ref, entry] : series) items.emplace_back(SeriesKey(block, ref), std::move(entry));
  backend_->Store(std::move(items), options_.ttl);
}

absl::flat_hash_map<uint64_t, std::string> IndexCache::FetchMultiSeries(
    std::string_view block, std::span<const uint64_t> refs) {
  absl::flat_hash_map<uint64_t, std::string> result;
  if (!enabled(IndexItemType::kSeries) || refs.empty()) return result;
  std::vector<std::string> keys;
  keys.reserve(refs.size());
  for (uint64_t ref : refs) keys.push_back(SeriesKey(block, ref));
  absl::flat_hash_map<std::string, std::string> found = backend_->Fetch(keys);
  for (size_t i = 0; i < keys.size() && !found.empty(); ++i) {
    auto it = found.find(keys[i]);
    if (it != found.end()) result.emplace(refs[i], std::move(it->second));
  }
  Count(IndexItemType::kSeries, keys.size(), result.size());
  return result;
}

}  // namespace charon::cache
