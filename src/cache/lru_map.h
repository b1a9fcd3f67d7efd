// LruMap: the core both in-memory caches share (LruCache, InMemoryIndexCache): entries by key in
// recency order, with the byte size they cost, evicting the least recently used entries to make
// room for a new one. What an entry holds besides its key, and what it costs, is the caller's.
//
// `Entry` has a `std::string key` member; `SizeOf` is a functor `int64_t(const Entry&)`, called
// when an entry comes and when it goes (so its result must not change in between). `on_remove`
// sees every entry that leaves (evicted or removed), before it is destroyed.
//
// Thread-safety: none; the cache that owns it holds its own mutex.
#ifndef CHARON_CACHE_LRU_MAP_H_
#define CHARON_CACHE_LRU_MAP_H_

#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace charon::cache {

template <typename Entry, typename SizeOf>
class LruMap {
 public:
  using OnRemove = std::function<void(const Entry&, int64_t size)>;
  // The list the entries live in, for callers that count its per-entry cost.
  using List = std::list<Entry>;

  LruMap(int64_t max_size, OnRemove on_remove)
      : max_size_(max_size), on_remove_(std::move(on_remove)) {}
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The entry under `key`, now the most recently used; nullptr when absent.
  Entry* Get(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return &*it->second;
  }

  // Removes the entry under `key`, if any.
  void Remove(std::string_view key) {
    auto it = index_.find(key);
    if (it != index_.end()) Erase(it->second);
  }

  // Inserts `entry` (whose key must be absent) as the most recently used, after evicting the
  // least recently used entries until it fits in max_size (all of them, if it is larger).
  void Insert(Entry entry) {
    const int64_t size = SizeOf()(entry);
    while (size_ + size > max_size_ && !lru_.empty()) Erase(std::prev(lru_.end()));
    lru_.push_front(std::move(entry));
    index_.emplace(lru_.front().key, lru_.begin());
    size_ += size;
  }

  int64_t count() const { return static_cast<int64_t>(lru_.size()); }
  // The sum of SizeOf over the entries held.
  int64_t size() const { return size_; }

 private:
  void Erase(typename List::iterator it) {
    const int64_t size = SizeOf()(*it);
    on_remove_(*it, size);
    size_ -= size;
    index_.erase(std::string_view(it->key));
    lru_.erase(it);
  }

  const int64_t max_size_;
  const OnRemove on_remove_;
  List lru_;  // front = most recently used
  // Keys point into the entries of lru_, whose nodes never move.
  absl::flat_hash_map<std::string_view, typename List::iterator> index_;
  int64_t size_ = 0;
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_LRU_MAP_H_
