// UniqueFd: owns a file descriptor and closes it when destroyed.
#ifndef CHARON_BASE_UNIQUE_FD_H_
#define CHARON_BASE_UNIQUE_FD_H_

#include <unistd.h>

namespace charon::base {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Gives up ownership: the caller closes the descriptor.
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now, returning close()'s result: it may carry the error of buffered writes.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace charon::base

#endif  // CHARON_BASE_UNIQUE_FD_H_
