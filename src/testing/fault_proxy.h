// FaultProxy: a reverse HTTP/1.1 proxy on 127.0.0.1 in front of a local server (an S3Server, say)
// that makes it behave like a remote object store: every request waits a fixed delay before it is
// forwarded (one round trip of a remote store), and faults can be injected on demand: 503
// SlowDown answers, requests that are never answered, and connections dropped in the middle of a
// response body. Every request that reaches the proxy is counted, so tests and benchmarks can
// report bucket requests per call.
//
// Each client connection is served by its own thread with its own keep-alive connection to the
// upstream, so concurrent requests are delayed concurrently, as on a real network. Requests with
// chunked request bodies are not supported (the remote buckets never send them). A fault applies
// to the next requests whose target (path and query) contains a given substring; faults and the
// delay may be changed at any time, from any thread.
//
// Thread-safe. The destructor closes every connection (hanging ones included) and joins the
// threads.
#ifndef CHARON_TESTING_FAULT_PROXY_H_
#define CHARON_TESTING_FAULT_PROXY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "testing/loopback_listener.h"

namespace charon::testing {

enum class Fault {
  kSlowDown,     // answer 503 with S3's SlowDown error body; the connection stays usable
  kHang,         // never answer; the connection stays open until the client or the proxy ends it
  kDropMidBody,  // forward the status line, headers and half the body, then close the connection
};

class FaultProxy {
 public:
  // Listens on a port the kernel picks and forwards to 127.0.0.1:`upstream_port`. Unavailable if
  // it cannot listen.
  static absl::StatusOr<std::unique_ptr<FaultProxy>> Start(int upstream_port,
                                                           absl::Duration delay = {});

  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;
  ~FaultProxy();

  int port() const { return listener_->port(); }
  std::string endpoint() const;  // "127.0.0.1:<port>", the form the objstore YAML takes

  // The wait before each request is forwarded (or faulted); applies to requests arriving from now.
  void SetDelay(absl::Duration delay);
  // The next `n` requests whose target contains `target_substring` ("" = any) get `fault` instead
  // of being forwarded. Faults queue up in the order they were added; a request takes the first
  // that matches.
  void InjectFault(Fault fault, int n, std::string target_substring = "");
  // Drops faults that have not happened yet.
  void ClearFaults();

  int64_t requests() const { return requests_.load(); }  // every request received, faulted too
  int64_t faults_injected() const { return faults_.load(); }
  // Connections accepted from clients.
  int64_t connections() const { return connections_.load(); }

 private:
  struct PendingFault {
    Fault fault;
    int remaining;
    std::string target_substring;
  };

  FaultProxy(std::unique_ptr<LoopbackListener> listener, int upstream_port, absl::Duration delay)
      : listener_(std::move(listener)), upstream_port_(upstream_port), delay_(delay) {}
  void AcceptLoop();
  void Serve(int fd);
  // The fault the request for `target` takes, if any (and counts it down).
  bool TakeFault(std::string_view target, Fault* fault);
  absl::Duration delay() const;

  const std::unique_ptr<LoopbackListener> listener_;
  const int upstream_port_;
  std::atomic<int64_t> requests_{0}, faults_{0}, connections_{0};
  std::thread accept_thread_;
  mutable absl::Mutex mu_;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  std::vector<PendingFault> faults_pending_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  std::vector<int> open_fds_ ABSL_GUARDED_BY(mu_);  // client and upstream sockets in use
};

}  // namespace charon::testing

#endif  // CHARON_TESTING_FAULT_PROXY_H_
