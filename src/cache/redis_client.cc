#include "cache/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/logging.h"
#include "cache/async_queue.h"
#include "cache/log_limiter.h"
#include "cache/remote_client_metrics.h"

namespace charon::cache {
namespace {

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Sends argv on `c` and reads its reply; nullptr on an I/O error (c->err set).
Reply Command(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), args.data(), lens.data())));
}

void Append(redisContext* c, const std::vector<std::string_view>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (std::string_view a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(argv.size()), args.data(), lens.data());
}

Reply ReadReply(redisContext* c) {
  void* r = nullptr;
  if (redisGetReply(c, &r) != REDIS_OK) return nullptr;
  return Reply(static_cast<redisReply*>(r));
}

}  // namespace

class RedisClient::Impl {
 public:
  Impl(std::string name, RedisClientConfig config, std::string host, int port,
       prometheus::Registry& registry)
      : name_(std::move(name)),
        config_(std::move(config)),
        host_(std::move(host)),
        port_(port),
        metrics_("redis", name_, registry),
        writes_(config_.max_async_buffer_size, config_.max_async_concurrency) {
    for (const char* op : {kGetMulti, kSet}) {
      metrics_.Duration(op);
      for (const char* reason : {"network-error", "timeout", "server-error"}) {
        metrics_.Failures(op, reason);
      }
    }
    metrics_.Skipped(kSet, "async-buffer-full");
  }

  absl::flat_hash_map<std::string, std::string> GetMulti(const std::vector<std::string>& keys) {
    absl::flat_hash_map<std::string, std::string> hits;
    if (keys.empty()) return hits;
    absl::Time start = absl::Now();
    Context c = Acquire(kGetMulti);
    if (c == nullptr) return hits;
    size_t batch = config_.get_multi_batch_size > 0
                       ? static_cast<size_t>(config_.get_multi_batch_size)
                       : keys.size();
    std::vector<std::string> prefixed;
    prefixed.reserve(keys.size());
    for (const std::string& k : keys) prefixed.push_back(config_.prefix + k);
    // Every batch is sent before the first reply is read: one round trip for all of them.
    for (size_t i = 0; i < keys.size(); i += batch) {
      std::vector<std::string_view> argv = {"MGET"};
      for (size_t j = i; j < std::min(keys.size(), i + batch); ++j) argv.push_back(prefixed[j]);
      Append(c.get(), argv);
    }
    for (size_t i = 0; i < keys.size(); i += batch) {
      Reply r = ReadReply(c.get());
      if (r == nullptr) {
        Failed(kGetMulti, c.get());
        return hits;
      }
      if (r->type != REDIS_REPLY_ARRAY) {
        FailedReply(kGetMulti, r.get());
        return hits;
      }
      for (size_t j = 0; j < r->elements && i + j < keys.size(); ++j) {
        const redisReply* e = r->element[j];
        if (e->type == REDIS_REPLY_STRING) hits.emplace(keys[i + j], std::string(e->str, e->len));
      }
    }
    Release(std::move(c));
    metrics_.Duration(kGetMulti).Observe(absl::ToDoubleSeconds(absl::Now() - start));
    return hits;
  }

  void SetAsync(std::string key, std::string value, absl::Duration ttl) {
    if (ttl <= absl::ZeroDuration()) return;
    int64_t seconds = absl::ToInt64Seconds(absl::Ceil(ttl, absl::Seconds(1)));
    bool queued = writes_.TryEnqueue([this, key = config_.prefix + key, value = std::move(value),
                                      seconds] { Set(key, value, seconds); });
    if (!queued) metrics_.Skipped(kSet, "async-buffer-full").Increment();
  }

  bool WaitForPendingWrites(absl::Duration timeout) { return writes_.WaitIdle(timeout); }

 private:
  void Set(const std::string& key, const std::string& value, int64_t seconds) {
    absl::Time start = absl::Now();
    Context c = Acquire(kSet);
    if (c == nullptr) return;
    Reply r = Command(c.get(), {"SET", key, value, "EX", std::to_string(seconds)});
    if (r == nullptr) return Failed(kSet, c.get());
    if (r->type == REDIS_REPLY_ERROR) return FailedReply(kSet, r.get());
    Release(std::move(c));
    metrics_.Duration(kSet).Observe(absl::ToDoubleSeconds(absl::Now() - start));
  }

  // An idle connection, or a new one (authenticated, db selected); nullptr (counted, logged)
  // if none can be opened.
  Context Acquire(const char* op) {
    {
      absl::MutexLock lock(&mu_);
      if (!idle_.empty()) {
        Context c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    Context c(redisConnectWithTimeout(host_.c_str(), port_, absl::ToTimeval(config_.dial_timeout)));
    if (c == nullptr || c->err != 0) {
      Failed(op, c.get());
      return nullptr;
    }
    // hiredis has one timeout for both directions; the larger of the two bounds each wait.
    redisSetTimeout(c.get(),
                    absl::ToTimeval(std::max(config_.read_timeout, config_.write_timeout)));
    if (!config_.password.empty()) {
      std::vector<std::string> auth = {"AUTH"};
      if (!config_.username.empty()) auth.push_back(config_.username);
      auth.push_back(config_.password);
      Reply r = Command(c.get(), auth);
      if (r == nullptr) return Failed(op, c.get()), nullptr;
      if (r->type == REDIS_REPLY_ERROR) return FailedReply(op, r.get()), nullptr;
    }
    if (config_.db != 0) {
      Reply r = Command(c.get(), {"SELECT", std::to_string(config_.db)});
      if (r == nullptr) return Failed(op, c.get()), nullptr;
      if (r->type == REDIS_REPLY_ERROR) return FailedReply(op, r.get()), nullptr;
    }
    return c;
  }

  void Release(Context c) {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(idle_.size()) < config_.pool_size) idle_.push_back(std::move(c));
  }

  // An I/O error on `c` (nullptr: could not allocate a context).
  void Failed(const char* op, const redisContext* c) {
    // hiredis reports a timed-out read or connect as an I/O error with strerror's text.
    bool timeout = c != nullptr && (absl::StrContains(c->errstr, "temporarily unavailable") ||
                                    absl::StrContains(c->errstr, "timed out"));
    metrics_.Failures(op, timeout ? "timeout" : "network-error").Increment();
    LogFailure(op, c != nullptr ? std::string(c->errstr) : "out of memory");
  }

  void FailedReply(const char* op, const redisReply* r) {
    metrics_.Failures(op, "server-error").Increment();
    LogFailure(op, r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len)
                                                : absl::StrCat("unexpected reply type ", r->type));
  }

  void LogFailure(const char* op, const std::string& err) {
    int64_t suppressed = 0;
    if (!log_limit_.Allow(&suppressed)) return;
    base::LogWarn(op == kSet ? "failed to set item into redis" : "failed to mget items from redis",
                  {{"name", name_},
                   {"addr", config_.addr},
                   {"err", err},
                   {"suppressed_since_last_log", suppressed}});
  }

  const std::string name_;
  const RedisClientConfig config_;
  const std::string host_;
  const int port_;
  RemoteClientMetrics metrics_;
  LogLimiter log_limit_;
  absl::Mutex mu_;
  std::vector<Context> idle_ ABSL_GUARDED_BY(mu_);
  // Declared last: destroyed first, so no writer runs on a destroyed member.
  AsyncQueue writes_;
};

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Create(std::string name,
                                                                 RedisClientConfig config,
                                                                 prometheus::Registry& registry) {
  // "[::1]:6379": the host is what is between the brackets.
  size_t colon = config.addr.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(config.addr.substr(colon + 1), &port) || port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("redis addr \"", config.addr, "\" is not host:port"));
  }
  std::string host = config.addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::unique_ptr<RedisClient>(new RedisClient(
      std::make_unique<Impl>(std::move(name), std::move(config), std::move(host), port, registry)));
}

RedisClient::RedisClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RedisClient::~RedisClient() = default;

absl::flat_hash_map<std::string, std::string> RedisClient::GetMulti(
    const std::vector<std::string>& keys) {
  return impl_->GetMulti(keys);
}

void RedisClient::SetAsync(std::string key, std::string value, absl::Duration ttl) {
  impl_->SetAsync(std::move(key), std::move(value), ttl);
}

bool RedisClient::WaitForPendingWrites(absl::Duration timeout) {
  return impl_->WaitForPendingWrites(timeout);
}

}  // namespace charon::cache
