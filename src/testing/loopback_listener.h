// LoopbackListener: a listening TCP socket on 127.0.0.1 (port picked by the kernel) for the test
// servers that run in the test's process (the HTTP test server, the fault proxy), with the
// shutdown wiring they all need: Stop() wakes every thread blocked in WaitReadable or Sleep, so a
// server's destructor can end its connection threads and join them.
//
// Thread-safe: one thread accepts while connection threads wait and sleep, any thread may Stop.
#ifndef CHARON_TESTING_LOOPBACK_LISTENER_H_
#define CHARON_TESTING_LOOPBACK_LISTENER_H_

#include <atomic>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace charon::testing {

class LoopbackListener {
 public:
  // Unavailable if the socket cannot listen.
  static absl::StatusOr<std::unique_ptr<LoopbackListener>> Listen(int backlog);

  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  ~LoopbackListener();

  int port() const { return port_; }

  // From now on every wait returns false at once, and Accept returns -1.
  void Stop();
  bool stopping() const { return stopping_; }

  // The next connection (with TCP_NODELAY, so small writes go out at once instead of waiting for
  // the peer's delayed ACK); -1 after Stop or when accept fails (the caller loops).
  int Accept() const;
  // Waits until `fd` is readable (or at its end); false on Stop, timeout or error.
  bool WaitReadable(int fd, absl::Duration timeout) const;
  // Sleeps for `d`; false if Stop came first.
  bool Sleep(absl::Duration d) const;

 private:
  LoopbackListener(int listen_fd, int port, int wake_read, int wake_write)
      : listen_fd_(listen_fd), port_(port), wake_read_(wake_read), wake_write_(wake_write) {}

  const int listen_fd_;
  const int port_;
  const int wake_read_, wake_write_;  // a byte in this pipe wakes every poll for shutdown
  std::atomic<bool> stopping_{false};
};

// Writes all of `data` to the socket `fd` (without SIGPIPE); false if the connection fails first.
bool SendAll(int fd, std::string_view data);

}  // namespace charon::testing

#endif  // CHARON_TESTING_LOOPBACK_LISTENER_H_
