#include "cache/memcached_client.h"

#include <errno.h>
#include <libmemcached/memcached.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/logging.h"
#include "cache/async_queue.h"
#include "cache/log_limiter.h"
#include "cache/memcached_server_pool.h"
#include "cache/memcached_servers.h"
#include "cache/remote_client_metrics.h"

namespace charon::cache {
namespace {

constexpr size_t kMaxKeyLength = 250;

// What gomemcache accepts as a key: at most 250 bytes, no spaces or control characters.
bool LegalKey(const std::string& key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  return std::none_of(key.begin(), key.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= ' ' || u == 0x7f;
  });
}

std::string GoDuration(absl::Duration d) {
  // Thanos labels client_info with Go's time.Duration String(); FormatDuration matches it for the
  // whole-unit values configs use ("500ms", "10s").
  return absl::FormatDuration(d);
}

// A counting semaphore; limit <= 0 means unlimited.
class Gate {
 public:
  explicit Gate(int limit) : limit_(limit) {}
  void Enter() {
    if (limit_ <= 0) return;
    absl::MutexLock lock(&mu_);
    auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return used_ < limit_; };
    mu_.Await(absl::Condition(&free));
    ++used_;
  }
  void Leave() {
    if (limit_ <= 0) return;
    absl::MutexLock lock(&mu_);
    --used_;
  }

 private:
  const int limit_;
  absl::Mutex mu_;
  int used_ ABSL_GUARDED_BY(mu_) = 0;
};

struct ServerSet {
  std::vector<std::string> addresses;
  std::vector<std::shared_ptr<MemcachedServerPool>> pools;  // parallel to addresses
};

const char* Reason(memcached_return_t rc, int err) {
  switch (rc) {
    case MEMCACHED_TIMEOUT:
      return "timeout";
    case MEMCACHED_BAD_KEY_PROVIDED:
      return "malformed-key";
    case MEMCACHED_SERVER_ERROR:
    case MEMCACHED_CLIENT_ERROR:
    case MEMCACHED_PROTOCOL_ERROR:
    case MEMCACHED_E2BIG:
    case MEMCACHED_SERVER_MEMORY_ALLOCATION_FAILURE:
    case MEMCACHED_NOTSTORED:
      return "server-error";
    case MEMCACHED_CONNECTION_FAILURE:
    case MEMCACHED_CONNECTION_SOCKET_CREATE_FAILURE:
    case MEMCACHED_CONNECTION_BIND_FAILURE:
    case MEMCACHED_HOST_LOOKUP_FAILURE:
    case MEMCACHED_WRITE_FAILURE:
    case MEMCACHED_READ_FAILURE:
    case MEMCACHED_UNKNOWN_READ_FAILURE:
    case MEMCACHED_PARTIAL_READ:
    case MEMCACHED_SERVER_TEMPORARILY_DISABLED:
    case MEMCACHED_SERVER_MARKED_DEAD:
    case MEMCACHED_NO_SERVERS:
    case MEMCACHED_ERRNO:
      return err == ETIMEDOUT || err == EAGAIN ? "timeout" : "network-error";
    default:
      return "other";
  }
}

}  // namespace

class MemcachedClient::Impl {
 public:
  Impl(std::string name, MemcachedClientConfig config, prometheus::Registry& registry)
      : name_(std::move(name)),
        config_(std::move(config)),
        operations_(prometheus::BuildCounter()
                        .Name("thanos_memcached_operations_total")
                        .Help("Total number of operations against memcached.")
                        .Register(registry)),
        data_size_(prometheus::BuildHistogram()
                       .Name("thanos_memcached_operation_data_size_bytes")
                       .Help("Tracks the size of the data stored in and fetched from memcached.")
                       .Register(registry)),
        metrics_("memcached", name_, registry),
        gate_(config_.max_get_multi_concurrency),
        writes_(config_.max_async_buffer_size, config_.max_async_concurrency) {
    for (const char* op : {kGetMulti, kSet}) {
      Ops(op);
      metrics_.Duration(op);
      DataSize(op);
      for (const char* reason :
           {"timeout", "malformed-key", "server-error", "network-error", "other"}) {
        metrics_.Failures(op, reason);
      }
      metrics_.Skipped(op, "max-item-size");
    }
    metrics_.Skipped(kSet, "async-buffer-full");
    prometheus::BuildGauge()
        .Name("thanos_memcached_client_info")
        .Help(
            "A metric with a constant '1' value labeled by configuration options from which "
            "memcached client was configured.")
        .Register(registry)
        .Add({{"name", name_},
              {"timeout", GoDuration(config_.timeout)},
              {"max_idle_connections", std::to_string(config_.max_idle_connections)},
              {"max_async_concurrency", std::to_string(config_.max_async_concurrency)},
              {"max_async_buffer_size", std::to_string(config_.max_async_buffer_size)},
              {"max_item_size", std::to_string(config_.max_item_size)},
              {"max_get_multi_concurrency", std::to_string(config_.max_get_multi_concurrency)},
              {"max_get_multi_batch_size", std::to_string(config_.max_get_multi_batch_size)},
              {"dns_provider_update_interval", GoDuration(config_.dns_provider_update_interval)}})
        .Set(1);
  }

  ~Impl() {
    stop_.Notify();
    if (dns_thread_.joinable()) dns_thread_.join();
  }

  absl::Status Start() {
    absl::Status lookup;
    std::vector<std::string> servers = ResolveAddresses(config_.addresses, &lookup);
    if (servers.empty()) {
      return absl::UnavailableError(
          absl::StrCat("no server address resolved for memcached client ", name_,
                       lookup.ok() ? "" : absl::StrCat(": ", lookup.message())));
    }
    if (!lookup.ok()) {
      base::LogWarn("failed to resolve some memcached addresses",
                    {{"name", name_}, {"err", lookup}});
    }
    SetServers(std::move(servers));
    if (NeedsDnsRefresh(config_.addresses)) dns_thread_ = std::thread([this] { RefreshLoop(); });
    return absl::OkStatus();
  }

  absl::flat_hash_map<std::string, std::string> GetMulti(const std::vector<std::string>& keys) {
    absl::flat_hash_map<std::string, std::string> hits;
    if (keys.empty()) return hits;
    std::shared_ptr<const ServerSet> set = Snapshot();
    const int n = static_cast<int>(set->pools.size());
    std::vector<std::vector<const std::string*>> by_server(static_cast<size_t>(n));
    bool malformed = false;
    for (const std::string& key : keys) {
      if (!LegalKey(key)) {
        malformed = true;
        continue;
      }
      by_server[static_cast<size_t>(PickServer(key, n))].push_back(&key);
    }
    if (malformed) metrics_.Failures(kGetMulti, "malformed-key").Increment();
    struct Batch {
      MemcachedServerPool* pool;
      std::vector<const std::string*> keys;
    };
    std::vector<Batch> batches;
    const size_t batch_size = config_.max_get_multi_batch_size > 0
                                  ? static_cast<size_t>(config_.max_get_multi_batch_size)
                                  : keys.size();
    for (int s = 0; s < n; ++s) {
      auto& ks = by_server[static_cast<size_t>(s)];
      for (size_t i = 0; i < ks.size(); i += batch_size) {
        size_t end = std::min(ks.size(), i + batch_size);
        batches.push_back({set->pools[static_cast<size_t>(s)].get(),
                           std::vector<const std::string*>(ks.begin() + static_cast<long>(i),
                                                           ks.begin() + static_cast<long>(end))});
      }
    }
    absl::Mutex mu;
    auto run = [&](const Batch& b) {
      gate_.Enter();
      FetchBatch(*b.pool, b.keys, &hits, &mu);
      gate_.Leave();
    };
    std::vector<std::thread> threads;
    for (size_t i = 1; i < batches.size(); ++i) threads.emplace_back(run, std::cref(batches[i]));
    if (!batches.empty()) run(batches[0]);
    for (std::thread& t : threads) t.join();
    return hits;
  }

  void SetAsync(std::string key, std::string value, absl::Duration ttl) {
    if (config_.max_item_size > 0 && static_cast<int64_t>(value.size()) > config_.max_item_size) {
      metrics_.Skipped(kSet, "max-item-size").Increment();
      return;
    }
    if (ttl <= absl::ZeroDuration()) return;
    if (!LegalKey(key)) {
      metrics_.Failures(kSet, "malformed-key").Increment();
      return;
    }
    bool queued = writes_.TryEnqueue(
        [this, key = std::move(key), value = std::move(value), ttl] { Set(key, value, ttl); });
    if (!queued) metrics_.Skipped(kSet, "async-buffer-full").Increment();
  }

  bool WaitIdle(absl::Duration timeout) { return writes_.WaitIdle(timeout); }

  std::vector<std::string> Servers() const { return Snapshot()->addresses; }

 private:
  prometheus::Counter& Ops(const char* op) {
    return operations_.Add({{"name", name_}, {"operation", op}});
  }
  prometheus::Histogram& DataSize(const char* op) {
    return data_size_.Add({{"name", name_}, {"operation", op}},
                          prometheus::Histogram::BucketBoundaries{
                              32, 256, 512, 1024, 32 * 1024, 256 * 1024, 512 * 1024, 1024 * 1024,
                              32 * 1024 * 1024, 256 * 1024 * 1024, 512 * 1024 * 1024});
  }

  std::shared_ptr<const ServerSet> Snapshot() const {
    absl::MutexLock lock(&servers_mu_);
    return servers_;
  }

  void SetServers(std::vector<std::string> addresses) {
    auto set = std::make_shared<ServerSet>();
    std::shared_ptr<const ServerSet> old = Snapshot();
    for (const std::string& a : addresses) {
      std::shared_ptr<MemcachedServerPool> pool;
      if (old != nullptr) {
        for (const auto& p : old->pools) {
          if (p->address() == a) pool = p;
        }
      }
      if (pool == nullptr)
        pool =
            std::make_shared<MemcachedServerPool>(a, config_.timeout, config_.max_idle_connections);
      set->pools.push_back(std::move(pool));
    }
    set->addresses = std::move(addresses);
    absl::MutexLock lock(&servers_mu_);
    servers_ = std::move(set);
  }

  void RefreshLoop() {
    while (!stop_.WaitForNotificationWithTimeout(config_.dns_provider_update_interval)) {
      absl::Status lookup;
      std::vector<std::string> servers = ResolveAddresses(config_.addresses, &lookup);
      if (!lookup.ok() || servers.empty()) {
        base::LogWarn("failed update memcached servers list",
                      {{"name", name_},
                       {"err", lookup.ok() ? absl::UnavailableError("no servers") : lookup}});
      }
      if (servers.empty() || servers == Snapshot()->addresses) continue;
      base::LogInfo("memcached servers changed",
                    {{"name", name_}, {"servers", absl::StrJoin(servers, ",")}});
      SetServers(std::move(servers));
    }
  }

  void Failed(const char* op, const MemcachedServerPool& pool, memcached_st* m,
              memcached_return_t rc) {
    int err = m != nullptr ? memcached_last_error_errno(m) : 0;
    metrics_.Failures(op, Reason(rc, err)).Increment();
    int64_t suppressed = 0;
    if (log_limit_.Allow(&suppressed)) {
      std::string msg =
          m != nullptr ? memcached_last_error_message(m) : memcached_strerror(nullptr, rc);
      base::LogWarn(
          op == kSet ? "failed to store item to memcached" : "failed to fetch items from memcached",
          {{"name", name_},
           {"server", pool.address()},
           {"err", msg},
           {"suppressed_since_last", suppressed}});
    }
  }

  void FetchBatch(MemcachedServerPool& pool, const std::vector<const std::string*>& keys,
                  absl::flat_hash_map<std::string, std::string>* hits, absl::Mutex* mu) {
    absl::Time start = absl::Now();
    Ops(kGetMulti).Increment();
    MemcachedConn conn = pool.Acquire();
    if (conn == nullptr) {
      Failed(kGetMulti, pool, nullptr, MEMCACHED_MEMORY_ALLOCATION_FAILURE);
      return;
    }
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (const std::string* k : keys) {
      ptrs.push_back(k->data());
      lens.push_back(k->size());
    }
    memcached_return_t rc = memcached_mget(conn.get(), ptrs.data(), lens.data(), ptrs.size());
    size_t bytes = 0;
    if (memcached_success(rc)) {
      // A caller-owned result: libmemcached frees results it allocated itself when the fetch
      // loop ends, so freeing those again would be a double free.
      memcached_result_st storage;
      memcached_result_st* result = memcached_result_create(conn.get(), &storage);
      while (memcached_fetch_result(conn.get(), result, &rc) != nullptr) {
        std::string key(memcached_result_key_value(result), memcached_result_key_length(result));
        std::string value(memcached_result_value(result), memcached_result_length(result));
        bytes += value.size();
        absl::MutexLock lock(mu);
        hits->insert_or_assign(std::move(key), std::move(value));
      }
      memcached_result_free(result);
    }
    const bool ok = rc == MEMCACHED_END || rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND;
    if (!ok) {
      Failed(kGetMulti, pool, conn.get(), rc);
    } else {
      DataSize(kGetMulti).Observe(static_cast<double>(bytes));
      metrics_.Duration(kGetMulti).Observe(absl::ToDoubleSeconds(absl::Now() - start));
    }
    pool.Release(std::move(conn), ok);
  }

  void Set(const std::string& key, const std::string& value, absl::Duration ttl) {
    absl::Time start = absl::Now();
    Ops(kSet).Increment();
    std::shared_ptr<const ServerSet> set = Snapshot();
    MemcachedServerPool& pool =
        *set->pools[static_cast<size_t>(PickServer(key, static_cast<int>(set->pools.size())))];
    MemcachedConn conn = pool.Acquire();
    if (conn == nullptr) {
      Failed(kSet, pool, nullptr, MEMCACHED_MEMORY_ALLOCATION_FAILURE);
      return;
    }
    // Relative expiry in whole seconds, at least 1 (0 would mean "never expires"); memcached
    // reads values above 30 days as absolute Unix times, as Thanos always sends them.
    int64_t secs = static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(ttl)));
    secs = std::max<int64_t>(1, secs);
    if (secs > 30 * 24 * 3600) secs += absl::ToUnixSeconds(absl::Now());
    memcached_return_t rc = memcached_set(conn.get(), key.data(), key.size(), value.data(),
                                          value.size(), static_cast<time_t>(secs), 0);
    const bool ok = memcached_success(rc);
    if (!ok) {
      Failed(kSet, pool, conn.get(), rc);
    } else {
      DataSize(kSet).Observe(static_cast<double>(value.size()));
      metrics_.Duration(kSet).Observe(absl::ToDoubleSeconds(absl::Now() - start));
    }
    // A server error (e.g. item too large) leaves the connection usable; I/O errors do not.
    const char* reason = ok ? "" : Reason(rc, 0);
    pool.Release(std::move(conn), ok || std::string_view(reason) == "server-error");
  }

  const std::string name_;
  const MemcachedClientConfig config_;
  prometheus::Family<prometheus::Counter>& operations_;
  prometheus::Family<prometheus::Histogram>& data_size_;
  RemoteClientMetrics metrics_;
  Gate gate_;
  LogLimiter log_limit_;

  mutable absl::Mutex servers_mu_;
  std::shared_ptr<const ServerSet> servers_ ABSL_GUARDED_BY(servers_mu_);

  absl::Notification stop_;
  std::thread dns_thread_;
  // Last member: destroyed first, so writer threads stop while everything they use is alive.
  AsyncQueue writes_;
};

MemcachedClient::MemcachedClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MemcachedClient::~MemcachedClient() = default;

absl::StatusOr<std::unique_ptr<MemcachedClient>> MemcachedClient::Create(
    std::string name, MemcachedClientConfig config, prometheus::Registry& registry) {
  absl::Status s = CheckAddresses(config.addresses);
  if (!s.ok()) return s;
  if (config.addresses.empty())
    return absl::InvalidArgumentError("no memcached addresses provided");
  auto impl = std::make_unique<Impl>(std::move(name), std::move(config), registry);
  s = impl->Start();
  if (!s.ok()) return s;
  return std::unique_ptr<MemcachedClient>(new MemcachedClient(std::move(impl)));
}

absl::flat_hash_map<std::string, std::string> MemcachedClient::GetMulti(
    const std::vector<std::string>& keys) {
  return impl_->GetMulti(keys);
}

void MemcachedClient::SetAsync(std::string key, std::string value, absl::Duration ttl) {
  impl_->SetAsync(std::move(key), std::move(value), ttl);
}

bool MemcachedClient::WaitForPendingWrites(absl::Duration timeout) {
  return impl_->WaitIdle(timeout);
}

std::vector<std::string> MemcachedClient::Servers() const { return impl_->Servers(); }

}  // namespace charon::cache
