#include "server/http/blocks_api.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "nlohmann/json.hpp"

namespace charon::http {
namespace {

// Ordered, so the output keeps the field order of Thanos (and of each meta.json).
using Json = nlohmann::ordered_json;

// Go's zero time.Time, which Thanos prints before the first refresh.
absl::Time GoZeroTime() {
  return absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone());
}

std::vector<Json> ParseMetas(const std::vector<std::string>& metas) {
  std::vector<Json> out;
  out.reserve(metas.size());
  for (const std::string& m : metas) {
    Json j = Json::parse(m, /*cb=*/nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) continue;
    out.push_back(std::move(j));
  }
  return out;
}

void AppendHtmlEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      default:
        out->push_back(c);
    }
  }
}

// `j[a][b]...` or null when any step is missing; never throws.
const Json& Path(const Json& j, std::initializer_list<const char*> keys) {
  static const Json kNull;
  const Json* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object()) return kNull;
    auto it = cur->find(k);
    if (it == cur->end()) return kNull;
    cur = &*it;
  }
  return *cur;
}

std::string Scalar(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

std::string MillisCell(const Json& j) {
  if (!j.is_number_integer()) return Scalar(j);
  return FormatRfc3339(absl::FromUnixMillis(j.get<int64_t>()));
}

std::string LabelsCell(const Json& labels) {
  if (!labels.is_object()) return "";
  std::string out;
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    if (!out.empty()) out.append(", ");
    absl::StrAppend(&out, it.key(), "=\"", Scalar(it.value()), "\"");
  }
  return out;
}

}  // namespace

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%4Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::string RenderBlocksJson(std::string_view label, const BlocksSnapshot& loaded,
                             bool loaded_view) {
  Json data = Json::object();
  data["label"] = std::string(label);
  Json blocks = Json::array();
  std::optional<absl::Time> refreshed_at;
  absl::Status err;
  if (loaded_view) {
    for (Json& m : ParseMetas(loaded.metas)) blocks.push_back(std::move(m));
    refreshed_at = loaded.refreshed_at;
    err = loaded.err;
  }
  data["blocks"] = std::move(blocks);
  data["refreshedAt"] = FormatRfc3339(refreshed_at.value_or(GoZeroTime()));
  // Thanos marshals a Go error value here, which encodes as {}; the message is more useful.
  data["err"] = err.ok() ? Json(nullptr) : Json(std::string(err.message()));
  Json body = {{"status", "success"}, {"data", std::move(data)}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string RenderBlocksPage(std::string_view label, const BlocksSnapshot& loaded) {
  std::vector<Json> metas = ParseMetas(loaded.metas);
  std::sort(metas.begin(), metas.end(), [](const Json& a, const Json& b) {
    std::string la = LabelsCell(Path(a, {"thanos", "labels"}));
    std::string lb = LabelsCell(Path(b, {"thanos", "labels"}));
    if (la != lb) return la < lb;
    const Json& ta = Path(a, {"minTime"});
    const Json& tb = Path(b, {"minTime"});
    if (ta.is_number_integer() && tb.is_number_integer())
      return ta.get<int64_t>() < tb.get<int64_t>();
    return false;
  });

  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Charon store: loaded "
      "blocks</title>\n"
      "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head>\n<body>\n"
      "<h1>Loaded blocks</h1>\n<p>";
  absl::StrAppend(&out, metas.size(), " blocks");
  if (!label.empty()) {
    out.append(", grouped by label ");
    AppendHtmlEscaped(&out, label);
  }
  out.append(". Refreshed at ");
  out.append(loaded.refreshed_at ? FormatRfc3339(*loaded.refreshed_at) : std::string("never"));
  out.append(".</p>\n");
  if (!loaded.err.ok()) {
    out.append("<p><b>Last refresh failed:</b> ");
    AppendHtmlEscaped(&out, base::Std(loaded.err.message()));
    out.append("</p>\n");
  }
  out.append(
      "<table>\n<tr><th>ULID</th><th>Min time</th><th>Max time</th><th>Labels</th>"
      "<th>Resolution</th><th>Level</th><th>Series</th><th>Samples</th><th>Chunks</th></tr>\n");
  for (const Json& m : metas) {
    const std::string cells[] = {
        Scalar(Path(m, {"ulid"})),
        MillisCell(Path(m, {"minTime"})),
        MillisCell(Path(m, {"maxTime"})),
        LabelsCell(Path(m, {"thanos", "labels"})),
        Scalar(Path(m, {"thanos", "downsample", "resolution"})),
        Scalar(Path(m, {"compaction", "level"})),
        Scalar(Path(m, {"stats", "numSeries"})),
        Scalar(Path(m, {"stats", "numSamples"})),
        Scalar(Path(m, {"stats", "numChunks"})),
    };
    out.append("<tr>");
    for (const std::string& c : cells) {
      out.append("<td>");
      AppendHtmlEscaped(&out, c);
      out.append("</td>");
    }
    out.append("</tr>\n");
  }
  out.append("</table>\n</body></html>\n");
  return out;
}

}  // namespace charon::http
