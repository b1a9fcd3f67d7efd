#include "block/relabel_config.h"

#include <openssl/evp.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace charon::block {
namespace {

absl::Status Bad(size_t rule, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("relabel config: rule ", rule, ": ", base::Absl(why)));
}

// Prometheus' legacy label-name charset, which its relabel config enforces.
bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<std::string> Scalar(const YAML::Node& node, size_t rule, std::string_view key) {
  if (node.IsNull()) return std::string();
  if (!node.IsScalar()) return Bad(rule, absl::StrCat(base::Absl(key), ": expected a string"));
  return node.Scalar();
}

absl::StatusOr<RelabelRule> ParseRule(const YAML::Node& node, size_t index) {
  if (!node.IsMap()) return Bad(index, "expected a mapping");
  RelabelRule rule;
  std::string action;
  bool has_action = false;
  // Unknown keys are ignored, as Go's non-strict YAML decoding does.
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "source_labels") {
      if (v.IsNull()) continue;
      if (!v.IsSequence()) return Bad(index, "source_labels: expected a list");
      for (const YAML::Node& name : v) {
        CHARON_ASSIGN_OR_RETURN(std::string s, Scalar(name, index, key));
        if (!IsValidLabelName(s)) {
          return Bad(index, absl::StrCat("source_labels: invalid label name \"", s, "\""));
        }
        rule.source_labels.push_back(std::move(s));
      }
    } else if (key == "separator") {
      CHARON_ASSIGN_OR_RETURN(rule.separator, Scalar(v, index, key));
    } else if (key == "regex") {
      CHARON_ASSIGN_OR_RETURN(rule.regex, Scalar(v, index, key));
    } else if (key == "modulus") {
      CHARON_ASSIGN_OR_RETURN(std::string s, Scalar(v, index, key));
      if (!s.empty() && !absl::SimpleAtoi(s, &rule.modulus)) {
        return Bad(index, absl::StrCat("modulus: not a non-negative integer: ", s));
      }
    } else if (key == "target_label") {
      CHARON_ASSIGN_OR_RETURN(rule.target_label, Scalar(v, index, key));
    } else if (key == "replacement") {
      CHARON_ASSIGN_OR_RETURN(rule.replacement, Scalar(v, index, key));
    } else if (key == "action") {
      CHARON_ASSIGN_OR_RETURN(action, Scalar(v, index, key));
      has_action = true;
    }
  }
  // Prometheus lower-cases the action and defaults an absent one to "replace".
  action = has_action ? absl::AsciiStrToLower(action) : "replace";
  if (action.empty()) return Bad(index, "relabel action cannot be empty");
  if (action == "keep") {
    rule.action = RelabelAction::kKeep;
  } else if (action == "drop") {
    rule.action = RelabelAction::kDrop;
  } else if (action == "hashmod") {
    rule.action = RelabelAction::kHashMod;
    if (rule.modulus == 0) return Bad(index, "hashmod requires a non-zero modulus");
    if (!IsValidLabelName(rule.target_label)) {
      return Bad(index, absl::StrCat("hashmod: invalid target_label \"", rule.target_label, "\""));
    }
  } else {
    return Bad(index, absl::StrCat("unsupported relabel action: ", action,
                                   " (the store accepts keep, drop and hashmod)"));
  }
  return rule;
}

absl::StatusOr<std::vector<RelabelRule>> ParseRules(std::string_view yaml) {
  std::vector<RelabelRule> rules;
  // yaml-cpp reports errors by exception; they stop here.
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsDefined() || root.IsNull()) return rules;
    if (!root.IsSequence()) {
      return absl::InvalidArgumentError("relabel config: expected a list of rules");
    }
    for (size_t i = 0; i < root.size(); ++i) {
      CHARON_ASSIGN_OR_RETURN(RelabelRule rule, ParseRule(root[i], i));
      rules.push_back(std::move(rule));
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("relabel config: ", e.what()));
  }
  return rules;
}

// Sets `name` to `value` keeping `labels` sorted by name.
void SetLabel(tsdb::Labels& labels, const std::string& name, std::string value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const tsdb::Label& l, const std::string& n) { return l.name < n; });
  if (it != labels.end() && it->name == name) {
    it->value = std::move(value);
  } else {
    labels.insert(it, tsdb::Label{name, std::move(value)});
  }
}

}  // namespace

RelabelConfig::RelabelConfig() = default;
RelabelConfig::~RelabelConfig() = default;
RelabelConfig::RelabelConfig(RelabelConfig&&) noexcept = default;
RelabelConfig& RelabelConfig::operator=(RelabelConfig&&) noexcept = default;

absl::StatusOr<RelabelConfig> RelabelConfig::Parse(std::string_view yaml) {
  CHARON_ASSIGN_OR_RETURN(std::vector<RelabelRule> rules, ParseRules(yaml));
  RelabelConfig config;
  for (size_t i = 0; i < rules.size(); ++i) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<re2::RE2>(absl::StrCat("^(?:", rules[i].regex, ")$"), options);
    if (!re->ok()) {
      return Bad(i, absl::StrCat("invalid regex \"", rules[i].regex, "\": ", re->error()));
    }
    config.regexes_.push_back(std::move(re));
  }
  config.rules_ = std::move(rules);
  return config;
}

std::optional<tsdb::Labels> RelabelConfig::Relabel(const tsdb::Labels& labels) const {
  tsdb::Labels out = labels;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const RelabelRule& rule = rules_[i];
    std::string value;
    for (size_t j = 0; j < rule.source_labels.size(); ++j) {
      if (j > 0) value += rule.separator;
      std::string_view v = tsdb::GetLabel(out, rule.source_labels[j]);
      value.append(v.data(), v.size());
    }
    switch (rule.action) {
      case RelabelAction::kKeep:
        if (!re2::RE2::FullMatch(value, *regexes_[i])) return std::nullopt;
        break;
      case RelabelAction::kDrop:
        if (re2::RE2::FullMatch(value, *regexes_[i])) return std::nullopt;
        break;
      case RelabelAction::kHashMod:
        SetLabel(out, rule.target_label, absl::StrCat(HashMod(value, rule.modulus)));
        break;
    }
  }
  return out;
}

uint64_t HashMod(std::string_view value, uint64_t modulus) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  // MD5 cannot fail on an in-memory buffer; a null digest would only come from a broken OpenSSL.
  EVP_Digest(value.data(), value.size(), digest.data(), &len, EVP_md5(), nullptr);
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = (v << 8) | digest[i];
  return v % modulus;
}

}  // namespace charon::block
