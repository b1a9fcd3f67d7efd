// The three kinds of entries of the index cache, as Thanos names them in the `item_type` label
// and in `enabled_items`, and how to tell them from a key (index_cache_keys.h).
#ifndef CHARON_CACHE_INDEX_ITEM_TYPE_H_
#define CHARON_CACHE_INDEX_ITEM_TYPE_H_

#include <array>
#include <string_view>

namespace charon::cache {

enum class IndexItemType { kPostings = 0, kExpandedPostings = 1, kSeries = 2 };
inline constexpr int kIndexItemTypes = 3;
inline constexpr std::array<IndexItemType, kIndexItemTypes> kAllIndexItemTypes = {
    IndexItemType::kPostings, IndexItemType::kExpandedPostings, IndexItemType::kSeries};

// "Postings", "ExpandedPostings", "Series".
inline std::string_view IndexItemTypeName(IndexItemType t) {
  switch (t) {
    case IndexItemType::kPostings:
      return "Postings";
    case IndexItemType::kExpandedPostings:
      return "ExpandedPostings";
    case IndexItemType::kSeries:
      return "Series";
  }
  return "";
}

// By the key's prefix ("P:", "EP:", "S:"); keys of no known kind count as Series.
inline IndexItemType IndexItemTypeOfKey(std::string_view key) {
  if (key.starts_with("P:")) return IndexItemType::kPostings;
  if (key.starts_with("EP:")) return IndexItemType::kExpandedPostings;
  return IndexItemType::kSeries;
}

}  // namespace charon::cache

#endif  // CHARON_CACHE_INDEX_ITEM_TYPE_H_
