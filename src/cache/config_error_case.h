// ConfigErrorCase: one row of the table-driven tests of the cache config readers: a YAML document
// and the error it must give.
#ifndef CHARON_CACHE_CONFIG_ERROR_CASE_H_
#define CHARON_CACHE_CONFIG_ERROR_CASE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace charon::cache {

struct ConfigErrorCase {
  std::string yaml;
  absl::StatusCode code;
  std::string substr;  // the message contains it
};

// For each case, `status_of(yaml)` has the case's code, and a message containing its substr and,
// when `source` is not empty, `source` (the file the error must name).
void ExpectConfigErrors(const std::function<absl::Status(const std::string& yaml)>& status_of,
                        const std::vector<ConfigErrorCase>& cases, const std::string& source = "");

}  // namespace charon::cache

#endif  // CHARON_CACHE_CONFIG_ERROR_CASE_H_
