#include "cache/memcached_server_pool.h"

#include <algorithm>

#include "cache/memcached_servers.h"

namespace charon::cache {

MemcachedConn MemcachedServerPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      MemcachedConn c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return Create();
}

void MemcachedServerPool::Release(MemcachedConn conn, bool healthy) {
  if (!healthy || conn == nullptr) return;
  absl::MutexLock lock(&mu_);
  if (idle_.size() < static_cast<size_t>(std::max(0, max_idle_))) idle_.push_back(std::move(conn));
}

MemcachedConn MemcachedServerPool::Create() const {
  std::string host;
  int port = 0;
  if (!SplitHostPort(address_, &host, &port).ok()) return nullptr;
  MemcachedConn c(memcached_create(nullptr));
  if (c == nullptr) return nullptr;
  memcached_st* m = c.get();
  const auto ms = static_cast<uint64_t>(std::max<int64_t>(1, timeout_ / absl::Milliseconds(1)));
  // Non-blocking sockets make the connect timeout apply; the poll timeout bounds every wait for
  // a reply, which is what turns a stopped (SIGSTOP) server into a miss instead of a hang.
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_NO_BLOCK, 1);
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, ms);
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, ms);
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, ms * 1000);
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_SND_TIMEOUT, ms * 1000);
  // A connection that failed once is discarded (see Release), so libmemcached's own retry and
  // dead-server bookkeeping only needs to fail fast within this one connection.
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
  memcached_behavior_set(m, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, 1);
  if (memcached_server_add(m, host.c_str(), static_cast<in_port_t>(port)) != MEMCACHED_SUCCESS) {
    return nullptr;
  }
  return c;
}

}  // namespace charon::cache
