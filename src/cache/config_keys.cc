#include "cache/config_keys.h"

#include "base/logging.h"

namespace charon::cache {

void WarnUnknownKeys(const config::YamlMap& m, const std::set<std::string>& known) {
  if (!m.node().IsMap()) return;
  for (const auto& kv : m.node()) {
    std::string key = kv.first.Scalar();
    if (known.contains(key)) continue;
    base::LogWarn("ignoring unknown cache config key, as Thanos does",
                  {{"key", m.KeyPath(key)}, {"source", m.source()}});
  }
}

}  // namespace charon::cache
