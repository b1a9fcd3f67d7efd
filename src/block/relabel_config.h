// RelabelConfig: the relabel rules of --selector.relabel-config, parsed from the Prometheus YAML
// form (a list of rules) and applied to a block's labels.
//
// The store accepts only the actions that select without rewriting: keep, drop and hashmod
// (Thanos rejects the rest the same way). A rule holds:
//   source_labels  label names whose values are joined with `separator` (default ";")
//   regex          RE2, anchored at both ends (default "(.*)")
//   modulus        hashmod only, > 0
//   target_label   hashmod only: the label receiving the hash bucket
//   replacement    accepted for compatibility, unused by these actions (default "$1")
//   action         keep | drop | hashmod, case-insensitive (no default that the store accepts)
//
// Immutable after Parse(); Relabel() is thread-safe.
#ifndef CHARON_BLOCK_RELABEL_CONFIG_H_
#define CHARON_BLOCK_RELABEL_CONFIG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/labels.h"

namespace re2 {
class RE2;
}

namespace charon::block {

enum class RelabelAction { kKeep, kDrop, kHashMod };

struct RelabelRule {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  std::string regex = "(.*)";  // as written, without the anchors
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  RelabelAction action = RelabelAction::kKeep;
};

class RelabelConfig {
 public:
  // No rules: Relabel() returns its input.
  RelabelConfig();
  ~RelabelConfig();
  RelabelConfig(RelabelConfig&&) noexcept;
  RelabelConfig& operator=(RelabelConfig&&) noexcept;

  // Parses a YAML list of rules; empty or null YAML gives no rules. InvalidArgument on malformed
  // YAML, a field of the wrong type, an invalid label name or regex, a hashmod rule without
  // target_label or with modulus 0, a missing action, or an action other than keep, drop and
  // hashmod (the message names it).
  static absl::StatusOr<RelabelConfig> Parse(std::string_view yaml);

  // Applies the rules in order. nullopt when a keep/drop rule dropped the labels. The result is
  // sorted by label name when the input is.
  std::optional<tsdb::Labels> Relabel(const tsdb::Labels& labels) const;

  const std::vector<RelabelRule>& rules() const { return rules_; }
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<RelabelRule> rules_;
  std::vector<std::unique_ptr<re2::RE2>> regexes_;  // anchored, one per rule
};

// The hashmod bucket Prometheus computes for `value`: the MD5 digest's last 8 bytes read as a
// big-endian integer, modulo `modulus` (> 0).
uint64_t HashMod(std::string_view value, uint64_t modulus);

}  // namespace charon::block

#endif  // CHARON_BLOCK_RELABEL_CONFIG_H_
