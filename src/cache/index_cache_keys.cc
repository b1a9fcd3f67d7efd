#include "cache/index_cache_keys.h"

#include <blake2.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"

namespace charon::cache {
namespace {

std::string Hash(std::string_view data) {
  unsigned char digest[32];
  blake2b(digest, data.data(), nullptr, sizeof digest, data.size(), 0);
  // WebSafeBase64Escape is base64url without padding, Go's base64.RawURLEncoding.
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string WithCodec(std::string key, std::string_view codec) {
  if (!codec.empty()) absl::StrAppend(&key, ":", base::Absl(codec));
  return key;
}

}  // namespace

std::string PostingsKey(std::string_view block, std::string_view name, std::string_view value,
                        std::string_view codec) {
  return WithCodec(absl::StrCat("P:", base::Absl(block), ":",
                                Hash(absl::StrCat(base::Absl(name), ":", base::Absl(value)))),
                   codec);
}

std::string ExpandedPostingsKey(std::string_view block, std::string_view matchers,
                                std::string_view codec) {
  return WithCodec(absl::StrCat("EP:", base::Absl(block), ":", Hash(matchers)), codec);
}

std::string SeriesKey(std::string_view block, uint64_t ref) {
  return absl::StrCat("S:", base::Absl(block), ":", ref);
}

std::string MatchersKey(std::span<const tsdb::Matcher> matchers) {
  std::vector<const tsdb::Matcher*> sorted;
  for (const tsdb::Matcher& m : matchers) sorted.push_back(&m);
  std::stable_sort(
      sorted.begin(), sorted.end(), [](const tsdb::Matcher* a, const tsdb::Matcher* b) {
        return std::make_tuple(static_cast<int>(a->type()), std::string_view(a->name()),
                               std::string_view(a->value())) <
               std::make_tuple(static_cast<int>(b->type()), std::string_view(b->name()),
                               std::string_view(b->value()));
      });
  return absl::StrJoin(sorted, ";",
                       [](std::string* out, const tsdb::Matcher* m) { out->append(m->String()); });
}

}  // namespace charon::cache
