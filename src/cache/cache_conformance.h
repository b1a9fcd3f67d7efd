// The one conformance suite every Cache implementation must pass (LruCache, InMemoryIndexCache,
// RemoteCache over memcached and redis): stored items are fetched back byte for byte, absent keys
// are simply missing, ttl <= 0 stores nothing, binary values and Thanos-style keys, large values,
// many keys in one fetch, duplicate keys, and concurrent use.
//
// Usage, in exactly one .cc of a test binary (the TEST_Ps below are defined in this header):
//   INSTANTIATE_TEST_SUITE_P(Lru, CacheConformanceTest,
//                            ::testing::Values(CacheConformanceParam{"Lru", MakeLru, {}}),
//                            CacheConformanceParamName);
// `make` returns a fresh, empty cache (a remote one may use a new key prefix per call instead of
// flushing its server); `settle` waits until the cache's asynchronous writes are done (empty for
// synchronous caches).
#ifndef CHARON_CACHE_CACHE_CONFORMANCE_H_
#define CHARON_CACHE_CACHE_CONFORMANCE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "cache/cache.h"

namespace charon::cache {

struct CacheConformanceParam {
  std::string name;  // letters, digits and '_' only: it becomes part of the test names
  std::function<absl::StatusOr<std::unique_ptr<Cache>>()> make;
  std::function<void(Cache&)> settle;
};

inline void PrintTo(const CacheConformanceParam& p, std::ostream* os) { *os << p.name; }
inline std::string CacheConformanceParamName(
    const ::testing::TestParamInfo<CacheConformanceParam>& info) {
  return info.param.name;
}

class CacheConformanceTest : public ::testing::TestWithParam<CacheConformanceParam> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Cache>> c = GetParam().make();
    ASSERT_TRUE(c.ok()) << c.status();
    cache_ = std::move(c).value();
  }
  void Settle() {
    if (GetParam().settle) GetParam().settle(*cache_);
  }
  void StoreAndSettle(std::vector<CacheItem> items, absl::Duration ttl = absl::Hours(1)) {
    cache_->Store(std::move(items), ttl);
    Settle();
  }

  std::unique_ptr<Cache> cache_;
};

TEST_P(CacheConformanceTest, FetchesWhatWasStoredAndOnlyThat) {
  StoreAndSettle({{"a", "1"}, {"b", "22"}, {"c", "333"}});
  EXPECT_THAT(cache_->Fetch({"a", "b", "c", "d"}),
              ::testing::UnorderedElementsAre(::testing::Pair("a", "1"), ::testing::Pair("b", "22"),
                                              ::testing::Pair("c", "333")));
  EXPECT_THAT(cache_->Fetch({"d", "e"}), ::testing::IsEmpty());
  EXPECT_THAT(cache_->Fetch({}), ::testing::IsEmpty());
}

TEST_P(CacheConformanceTest, NonPositiveTtlStoresNothing) {
  StoreAndSettle({{"zero", "v"}}, absl::ZeroDuration());
  StoreAndSettle({{"negative", "v"}}, absl::Seconds(-1));
  EXPECT_THAT(cache_->Fetch({"zero", "negative"}), ::testing::IsEmpty());
}

TEST_P(CacheConformanceTest, ValuesAreBinarySafeAndKeysTakeThanosCharacters) {
  std::string binary("\0\r\n\xff END\r\n", 10);
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  std::vector<CacheItem> items = {
      {"P:01HQZX3V7W9J5T0G8K2M4N6P8R:qJ2n-_Zk0T9aXbYcWdVe:dss", binary},
      {"S:01HQZX3V7W9J5T0G8K2M4N6P8R:123456", all_bytes},
      {"subrange:01HQ/chunks/000001:16000:32000", "x"},
  };
  StoreAndSettle(items);
  auto got = cache_->Fetch({items[0].first, items[1].first, items[2].first});
  ASSERT_EQ(got.size(), 3u);
  for (const CacheItem& item : items) EXPECT_EQ(got[item.first], item.second) << item.first;
}

TEST_P(CacheConformanceTest, LargeValueRoundTrips) {
  std::string value(512 * 1024, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>((i * 7919) >> 3);
  StoreAndSettle({{"large", value}});
  auto got = cache_->Fetch({"large"});
  ASSERT_EQ(got.count("large"), 1u);
  EXPECT_EQ(got["large"], value);
}

TEST_P(CacheConformanceTest, ManyKeysInOneFetch) {
  std::vector<CacheItem> items;
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) {
    items.emplace_back(absl::StrCat("S:block:", i * 16), absl::StrCat("series-", i));
    keys.push_back(items.back().first);
    keys.push_back(absl::StrCat("missing:", i));
  }
  StoreAndSettle(items);
  auto got = cache_->Fetch(keys);
  ASSERT_EQ(got.size(), 1000u);
  for (const CacheItem& item : items) EXPECT_EQ(got[item.first], item.second);
}

TEST_P(CacheConformanceTest, DuplicateKeysInAFetchAreOneHit) {
  StoreAndSettle({{"k", "v"}});
  EXPECT_THAT(cache_->Fetch({"k", "k", "other", "k"}),
              ::testing::UnorderedElementsAre(::testing::Pair("k", "v")));
}

TEST_P(CacheConformanceTest, ConcurrentStoresAndFetches) {
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = absl::StrCat("t", t, ":", i);
        cache_->Store({{key, absl::StrCat("value-", t, "-", i)}}, absl::Hours(1));
        // A fetch may miss (remote writes are asynchronous) but never returns a wrong value.
        for (const auto& [k, v] :
             cache_->Fetch({key, absl::StrCat("t", (t + 1) % kThreads, ":", i)})) {
          EXPECT_EQ(v, absl::StrCat("value-", k.substr(1, k.find(':') - 1), "-", i));
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  Settle();
  std::vector<std::string> keys;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) keys.push_back(absl::StrCat("t", t, ":", i));
  }
  EXPECT_EQ(cache_->Fetch(keys).size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_P(CacheConformanceTest, NameIsSet) { EXPECT_FALSE(cache_->Name().empty()); }

}  // namespace charon::cache

#endif  // CHARON_CACHE_CACHE_CONFORMANCE_H_
