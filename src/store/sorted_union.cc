#include "store/sorted_union.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace charon::store {

std::vector<std::string> SortedUnion(std::vector<std::vector<std::string>> lists, int64_t limit) {
  const size_t cap = limit > 0 ? static_cast<size_t>(limit) : std::numeric_limits<size_t>::max();
  std::erase_if(lists, [](const std::vector<std::string>& l) { return l.empty(); });
  std::vector<std::string> out;
  if (lists.size() == 1) {
    out = std::move(lists[0]);
    if (out.size() > cap) out.resize(cap);
    return out;
  }
  // A min-heap of list indices, ordered by each list's current head.
  std::vector<size_t> pos(lists.size(), 0);
  auto greater = [&](size_t a, size_t b) { return lists[a][pos[a]] > lists[b][pos[b]]; };
  std::vector<size_t> heap(lists.size());
  for (size_t i = 0; i < heap.size(); ++i) heap[i] = i;
  std::make_heap(heap.begin(), heap.end(), greater);
  while (!heap.empty() && out.size() < cap) {
    std::pop_heap(heap.begin(), heap.end(), greater);
    const size_t i = heap.back();
    std::string& head = lists[i][pos[i]];
    if (out.empty() || out.back() != head) out.push_back(std::move(head));
    if (++pos[i] < lists[i].size()) {
      std::push_heap(heap.begin(), heap.end(), greater);
    } else {
      heap.pop_back();
    }
  }
  return out;
}

}  // namespace charon::store
