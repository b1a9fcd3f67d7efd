// MemcachedServerPool: idle libmemcached connections to one memcached server, for
// MemcachedClient. Each connection (a memcached_st holding just this server) is non-blocking,
// with connect and poll timeouts equal to the client's `timeout`.
//
// Thread-safety: thread-safe. A connection is used by one thread between Acquire and Release.
#ifndef CHARON_CACHE_MEMCACHED_SERVER_POOL_H_
#define CHARON_CACHE_MEMCACHED_SERVER_POOL_H_

#include <libmemcached/memcached.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace charon::cache {

struct MemcachedFree {
  void operator()(memcached_st* m) const { memcached_free(m); }
};
using MemcachedConn = std::unique_ptr<memcached_st, MemcachedFree>;

class MemcachedServerPool {
 public:
  // `address` is "host:port" or "[v6]:port".
  MemcachedServerPool(std::string address, absl::Duration timeout, int max_idle)
      : address_(std::move(address)), timeout_(timeout), max_idle_(max_idle) {}

  const std::string& address() const { return address_; }

  // An idle connection, or a new one (libmemcached connects on first use); null only if
  // libmemcached cannot allocate one or the address is malformed.
  MemcachedConn Acquire();

  // Keeps a healthy connection for reuse, up to max_idle; closes the others (a connection that
  // saw an I/O error or timeout may have a half-read reply pending).
  void Release(MemcachedConn conn, bool healthy);

 private:
  MemcachedConn Create() const;

  const std::string address_;
  const absl::Duration timeout_;
  const int max_idle_;
  absl::Mutex mu_;
  std::vector<MemcachedConn> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace charon::cache

#endif  // CHARON_CACHE_MEMCACHED_SERVER_POOL_H_
