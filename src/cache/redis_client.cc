#include "cache/redis_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "cache/async_queue.h"
#include "cache/log_limiter.h"
#include "cache/redis_connection.h"
#include "cache/remote_client_metrics.h"
#include "cache/tls_client_context.h"
#include "config/tls_config.h"

namespace charon::cache {
namespace {

using Connection = std::unique_ptr<RedisConnection>;

}  // namespace

class RedisClient::Impl {
 public:
  Impl(std::string name, RedisClientConfig config, std::string host, int port,
       std::unique_ptr<TlsClientContext> tls, prometheus::Registry& registry)
      : name_(std::move(name)),
        config_(std::move(config)),
        host_(std::move(host)),
        port_(port),
        tls_(std::move(tls)),
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
    Connection c = Acquire(kGetMulti);
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
      c->Append(argv);
    }
    for (size_t i = 0; i < keys.size(); i += batch) {
      absl::StatusOr<RedisReply> reply = c->ReadReply();
      if (!reply.ok()) {
        Failed(kGetMulti, reply.status());
        return hits;
      }
      const RedisReply& r = *reply;
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
    Connection c = Acquire(kSet);
    if (c == nullptr) return;
    absl::StatusOr<RedisReply> r = c->Command({"SET", key, value, "EX", std::to_string(seconds)});
    if (!r.ok()) return Failed(kSet, r.status());
    if ((*r)->type == REDIS_REPLY_ERROR) return FailedReply(kSet, r->get());
    Release(std::move(c));
    metrics_.Duration(kSet).Observe(absl::ToDoubleSeconds(absl::Now() - start));
  }

  // An idle connection, or a new one (authenticated, db selected); nullptr (counted, logged)
  // if none can be opened.
  Connection Acquire(const char* op) {
    {
      absl::MutexLock lock(&mu_);
      if (!idle_.empty()) {
        Connection c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    RedisConnectionOptions options;
    options.dial_timeout = config_.dial_timeout;
    options.read_timeout = config_.read_timeout;
    options.write_timeout = config_.write_timeout;
    options.tls = tls_.get();
    absl::StatusOr<Connection> c = RedisConnection::Connect(config_.addr, host_, port_, options);
    if (!c.ok()) return Failed(op, c.status()), nullptr;
    std::vector<std::vector<std::string_view>> setup;
    if (!config_.password.empty()) {
      std::vector<std::string_view> auth = {"AUTH"};
      if (!config_.username.empty()) auth.push_back(config_.username);
      auth.push_back(config_.password);
      setup.push_back(std::move(auth));
    }
    const std::string db = std::to_string(config_.db);
    if (config_.db != 0) setup.push_back({"SELECT", db});
    for (const std::vector<std::string_view>& command : setup) {
      absl::StatusOr<RedisReply> r = (*c)->Command(command);
      if (!r.ok()) return Failed(op, r.status()), nullptr;
      if ((*r)->type == REDIS_REPLY_ERROR) return FailedReply(op, r->get()), nullptr;
    }
    return std::move(c).value();
  }

  void Release(Connection c) {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(idle_.size()) < config_.pool_size) idle_.push_back(std::move(c));
  }

  void Failed(const char* op, const absl::Status& error) {
    metrics_.Failures(op, absl::IsDeadlineExceeded(error) ? "timeout" : "network-error")
        .Increment();
    LogFailure(op, std::string(error.message()));
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
  const std::unique_ptr<TlsClientContext> tls_;  // null: plain TCP
  RemoteClientMetrics metrics_;
  LogLimiter log_limit_;
  absl::Mutex mu_;
  std::vector<Connection> idle_ ABSL_GUARDED_BY(mu_);
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
  std::unique_ptr<TlsClientContext> tls;
  if (config.tls_enabled) {
    CHARON_RETURN_IF_ERROR(config::CheckTlsFilesReadable(config.tls_config, "config.tls_config"));
    CHARON_ASSIGN_OR_RETURN(tls, TlsClientContext::Create(config.tls_config, "config.tls_config"));
  }
  return std::unique_ptr<RedisClient>(new RedisClient(std::make_unique<Impl>(
      std::move(name), std::move(config), std::move(host), port, std::move(tls), registry)));
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
