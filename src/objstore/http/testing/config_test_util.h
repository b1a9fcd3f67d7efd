// Helpers for the tests of the objstore config readers (http_config and the providers' configs):
// parsing a YAML text as the section a reader gets, and checking that bad configs are refused
// with an error that names the field and the file.
#ifndef CHARON_OBJSTORE_HTTP_TESTING_CONFIG_TEST_UTIL_H_
#define CHARON_OBJSTORE_HTTP_TESTING_CONFIG_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "base/status_macros.h"
#include "config/yaml_fields.h"
#include "testing/status_matchers.h"

namespace charon::objstore::http {

// Parses `yaml` as the map at `path` of the YAML file `source`, and reads it with `parse` (one of
// the Parse*Config functions), as the bucket factory hands a section to its reader.
template <typename Parse>
auto ParseConfigYaml(Parse parse, const std::string& yaml, std::string path = "config",
                     const std::string& source = "objstore.yml")
    -> decltype(parse(std::declval<const config::YamlMap&>())) {
  CHARON_ASSIGN_OR_RETURN(YAML::Node node, config::ParseYaml(yaml, source));
  CHARON_ASSIGN_OR_RETURN(config::YamlMap map, config::YamlMap::Of(node, std::move(path), source));
  return parse(map);
}

// A config that must be refused: its YAML, a part the message must have (the field's path), and
// the code.
struct ConfigErrorCase {
  std::string yaml;
  std::string want;
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
};

// `parse` (YAML text to StatusOr) refuses each case with its code, and a message with its `want`
// and the file name `source`.
template <typename Parse>
void ExpectConfigErrors(Parse parse, const std::vector<ConfigErrorCase>& cases,
                        const std::string& source = "objstore.yml") {
  for (const ConfigErrorCase& c : cases) {
    SCOPED_TRACE(c.yaml);
    auto parsed = parse(c.yaml);
    EXPECT_THAT(parsed, charon::testing::StatusIs(c.code, c.want));
    EXPECT_THAT(parsed, charon::testing::StatusIs(c.code, source));
  }
}

}  // namespace charon::objstore::http

#endif  // CHARON_OBJSTORE_HTTP_TESTING_CONFIG_TEST_UTIL_H_
