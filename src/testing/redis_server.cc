#include "testing/redis_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "testing/child_process.h"

namespace charon::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(
    std::vector<std::string> extra_args) {
  return StartWith(std::move(extra_args), std::nullopt);
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::StartTls(
    RedisTlsFiles tls, std::vector<std::string> extra_args) {
  return StartWith(std::move(extra_args), std::move(tls));
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::StartWith(
    std::vector<std::string> extra_args, std::optional<RedisTlsFiles> tls) {
  absl::StatusOr<std::unique_ptr<CacheServer>> s = StartServer("redis", [&](TempDir dir, int port) {
    return std::unique_ptr<CacheServer>(new RedisServer(std::move(dir), port, extra_args, tls));
  });
  if (!s.ok()) return s.status();
  return std::unique_ptr<RedisServer>(static_cast<RedisServer*>(s->release()));
}

std::vector<std::string> RedisServer::Argv() const {
  std::vector<std::string> argv = {"redis-server", "--bind", "127.0.0.1", "--save",    "",
                                   "--appendonly", "no",     "--dir",     dir().path()};
  if (!tls_.has_value()) {
    argv.insert(argv.end(), {"--port", std::to_string(port())});
    return argv;
  }
  argv.insert(argv.end(), {"--port", "0", "--tls-port", std::to_string(port()), "--tls-cert-file",
                           tls_->cert_file, "--tls-key-file", tls_->key_file, "--tls-ca-cert-file",
                           tls_->ca_file, "--tls-auth-clients", tls_->auth_clients ? "yes" : "no"});
  return argv;
}

absl::StatusOr<std::string> RedisServer::Cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"redis-cli", "-h", "127.0.0.1", "-p", std::to_string(port())};
  if (tls_.has_value()) {
    argv.insert(argv.end(), {"--tls", "--cacert", tls_->ca_file});
    if (!tls_->client_cert_file.empty()) {
      argv.insert(argv.end(), {"--cert", tls_->client_cert_file, "--key", tls_->client_key_file});
    }
  }
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r = RunCommand(argv);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("redis-cli exited ", r->exit_code, ": ", r->stderr_text));
  }
  return std::string(absl::StripSuffix(r->stdout_text, "\n"));
}

absl::Status RedisServer::FlushAll() { return Cli({"FLUSHALL"}).status(); }

}  // namespace charon::testing
