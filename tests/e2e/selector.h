// Label matchers as the test cases write them, rendered as a PromQL selector for Prometheus.
#ifndef CHARON_TESTS_E2E_SELECTOR_H_
#define CHARON_TESTS_E2E_SELECTOR_H_

#include <string>
#include <vector>

namespace charon::e2e {

enum class MatchOp { kEq, kNeq, kRe, kNre };

struct Matcher {
  std::string name;
  MatchOp op = MatchOp::kEq;
  std::string value;
};

// {name="value", ...} with values quoted as Go strings, which PromQL's lexer un-quotes.
std::string PromQLSelector(const std::vector<Matcher>& matchers);

}  // namespace charon::e2e

#endif  // CHARON_TESTS_E2E_SELECTOR_H_
