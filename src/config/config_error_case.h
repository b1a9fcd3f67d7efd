// Test helpers for the config readers (objstore, caches, ...): parsing a YAML text as the section
// a reader gets, and a table of configs that must be refused with an error naming the field and
// the file.
#ifndef CHARON_CONFIG_CONFIG_ERROR_CASE_H_
#define CHARON_CONFIG_CONFIG_ERROR_CASE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "base/status_macros.h"
#include "config/yaml_fields.h"
#include "testing/status_matchers.h"

namespace charon::config {

// Parses `yaml` as the map at `path` of the YAML file `source`, and reads it with `parse` (one of
// the Parse*Config functions), as a factory hands a section to its reader.
template <typename Parse>
auto ParseConfigYaml(Parse parse, const std::string& yaml, std::string path = "config",
                     const std::string& source = "objstore.yml")
    -> decltype(parse(std::declval<const YamlMap&>())) {
  CHARON_ASSIGN_OR_RETURN(YAML::Node node, ParseYaml(yaml, source));
  CHARON_ASSIGN_OR_RETURN(YamlMap map, YamlMap::Of(node, std::move(path), source));
  return parse(map);
}

// A config that must be refused: its YAML, a part the message must have (the field's path, the
// bad value), and the code.
struct ConfigErrorCase {
  std::string yaml;
  std::string want;
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
};

// `parse` (YAML text to Status or StatusOr) refuses each case with its code, and a message with
// its `want` and, unless empty, the file name `source`.
template <typename Parse>
void ExpectConfigErrors(Parse parse, const std::vector<ConfigErrorCase>& cases,
                        const std::string& source = "") {
  for (const ConfigErrorCase& c : cases) {
    SCOPED_TRACE(c.yaml);
    auto parsed = parse(c.yaml);
    EXPECT_THAT(parsed, charon::testing::StatusIs(c.code, c.want));
    if (!source.empty()) {
      EXPECT_THAT(parsed, charon::testing::StatusIs(c.code, source));
    }
  }
}

}  // namespace charon::config

#endif  // CHARON_CONFIG_CONFIG_ERROR_CASE_H_
