// Helpers shared by the cache config readers.
#ifndef CHARON_CACHE_CONFIG_KEYS_H_
#define CHARON_CACHE_CONFIG_KEYS_H_

#include <set>
#include <string>

#include "config/yaml_fields.h"

namespace charon::cache {

// Thanos reads a cache backend's `config` map leniently (unknown keys are ignored, unlike the
// top level of the caching-bucket YAML). To accept every file Thanos accepts, the backend readers
// do the same, but log a warning naming each key outside `known` so that typos are visible.
void WarnUnknownKeys(const config::YamlMap& m, const std::set<std::string>& known);

}  // namespace charon::cache

#endif  // CHARON_CACHE_CONFIG_KEYS_H_
