#include "testing/redis_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "testing/child_process.h"

namespace charon::testing {

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(
    std::vector<std::string> extra_args) {
  absl::StatusOr<std::unique_ptr<CacheServer>> s = StartServer("redis", [&](TempDir dir, int port) {
    return std::unique_ptr<CacheServer>(new RedisServer(std::move(dir), port, extra_args));
  });
  if (!s.ok()) return s.status();
  return std::unique_ptr<RedisServer>(static_cast<RedisServer*>(s->release()));
}

std::vector<std::string> RedisServer::Argv() const {
  return {"redis-server", "--bind", "127.0.0.1", "--port",    std::to_string(port()), "--save", "",
          "--appendonly", "no",     "--dir",     dir().path()};
}

absl::StatusOr<std::string> RedisServer::Cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"redis-cli", "-h", "127.0.0.1", "-p", std::to_string(port())};
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
