// SortedUnion: merges the per-block answers of the label calls.
#ifndef CHARON_STORE_SORTED_UNION_H_
#define CHARON_STORE_SORTED_UNION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace charon::store {

// The sorted union of `lists`, each sorted and free of duplicates, cut to its first `limit`
// strings (limit <= 0: all). Strings are moved out of `lists`, never copied.
std::vector<std::string> SortedUnion(std::vector<std::vector<std::string>> lists, int64_t limit);

}  // namespace charon::store

#endif  // CHARON_STORE_SORTED_UNION_H_
