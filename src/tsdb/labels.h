// Label sets as Prometheus orders them: labels sorted by name inside a set; sets compared label by
// label (name, then value), a proper prefix first (labels.Compare).
#ifndef CHARON_TSDB_LABELS_H_
#define CHARON_TSDB_LABELS_H_

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace charon::tsdb {

struct Label {
  std::string name;
  std::string value;
  auto operator<=>(const Label&) const = default;
};

using Labels = std::vector<Label>;

// <0, 0, >0 as Prometheus' labels.Compare.
int CompareLabels(const Labels& a, const Labels& b);

// Value of `name`, or "" when absent (Prometheus treats the two alike).
std::string_view GetLabel(const Labels& ls, std::string_view name);

// {a="1", b="2"} as Prometheus prints label sets (values escaped as Go's %q). A name outside the
// legacy charset [a-zA-Z_][a-zA-Z0-9_]* is quoted the same way, as Prometheus 3 does.
std::string LabelsToString(const Labels& ls);

// `s` quoted as Go's strconv.Quote (%q): invalid UTF-8 bytes as \xNN, non-printable runes as
// \uNNNN / \UNNNNNNNN. Approximates unicode.IsPrint: unassigned code points print as-is.
std::string GoQuote(std::string_view s);

// A label name as Prometheus prints it: bare when legacy-valid ([a-zA-Z_][a-zA-Z0-9_]*), else
// Go-quoted.
std::string FormatLabelName(std::string_view name);

}  // namespace charon::tsdb

#endif  // CHARON_TSDB_LABELS_H_
