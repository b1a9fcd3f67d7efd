#include "server/http/blocks_api.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/strings.h"
#include "nlohmann/json.hpp"

namespace charon::server::http {
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

// Fill colours by compaction level (1 = fresh from Prometheus, 2+ = compacted by Thanos).
const char* LevelColour(int64_t level) {
  static const char* const kColours[] = {"#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"};
  if (level < 1) level = 1;
  return kColours[std::min<int64_t>(level, 5) - 1];
}

int64_t IntOr(const Json& j, int64_t fallback) {
  return j.is_number_integer() ? j.get<int64_t>() : fallback;
}

// Bytes of the block's files under `prefix` ("index", "chunks/") per meta.json's thanos.files.
int64_t FilesBytes(const Json& meta, std::string_view prefix) {
  int64_t n = 0;
  const Json& files = Path(meta, {"thanos", "files"});
  if (!files.is_array()) return -1;
  for (const Json& f : files) {
    const std::string name = Scalar(Path(f, {"rel_path"}));
    if (name.rfind(prefix, 0) == 0) n += IntOr(Path(f, {"size_bytes"}), 0);
  }
  return n;
}

// The timeline: one lane per external-label set, blocks as bars on a shared time axis, overlapping
// blocks of a lane stacked in rows so overlaps and gaps show; a click on a bar shows its details
// (filled by the script below from the embedded JSON, so the page needs no server round trip).
void AppendTimeline(std::string* out, const std::vector<Json>& metas,
                    const std::map<std::string, int64_t>& index_header_bytes) {
  if (metas.empty()) return;
  int64_t tmin = INT64_MAX, tmax = INT64_MIN;
  for (const Json& m : metas) {
    tmin = std::min(tmin, IntOr(Path(m, {"minTime"}), tmin));
    tmax = std::max(tmax, IntOr(Path(m, {"maxTime"}), tmax));
  }
  if (tmin >= tmax) tmax = tmin + 1;
  constexpr int kLeft = 10, kWidth = 1000, kRow = 16, kHeader = 20;
  auto x = [&](int64_t t) {
    return kLeft + static_cast<double>(t - tmin) / static_cast<double>(tmax - tmin) * kWidth;
  };
  // Lanes in the order of `metas` (sorted by labels, then min time).
  std::vector<std::pair<std::string, std::vector<const Json*>>> lanes;
  for (const Json& m : metas) {
    std::string key = LabelsCell(Path(m, {"thanos", "labels"}));
    if (lanes.empty() || lanes.back().first != key) lanes.push_back({key, {}});
    lanes.back().second.push_back(&m);
  }
  std::string svg, details = "{";
  int y = 0;
  for (size_t g = 0; g < lanes.size(); ++g) {
    absl::StrAppend(&svg, "<g class=\"group\" data-group=\"", g,
                    "\"><text class=\"group-label\" x=\"", kLeft, "\" y=\"", y + 14, "\">");
    AppendHtmlEscaped(&svg, lanes[g].first.empty() ? "(no external labels)" : lanes[g].first);
    svg.append("</text>");
    y += kHeader;
    std::vector<int64_t> row_end;  // greedy packing: first row whose last block ended
    int rows = 0;
    for (const Json* m : lanes[g].second) {
      const int64_t mint = IntOr(Path(*m, {"minTime"}), tmin);
      const int64_t maxt = IntOr(Path(*m, {"maxTime"}), mint);
      size_t row = 0;
      while (row < row_end.size() && row_end[row] > mint) ++row;
      if (row == row_end.size()) row_end.push_back(maxt);
      row_end[row] = maxt;
      rows = std::max<int>(rows, static_cast<int>(row) + 1);
      const std::string ulid = Scalar(Path(*m, {"ulid"}));
      const int64_t level = IntOr(Path(*m, {"compaction", "level"}), 1);
      const int64_t res = IntOr(Path(*m, {"thanos", "downsample", "resolution"}), 0);
      const double x0 = x(mint), w = std::max(2.0, x(maxt) - x0 - 1);
      svg.append("<a href=\"#");
      AppendHtmlEscaped(&svg, ulid);
      absl::StrAppend(&svg, "\"><rect class=\"block level-", level, " res-", res,
                      "\" data-ulid=\"");
      AppendHtmlEscaped(&svg, ulid);
      absl::StrAppend(&svg, "\" x=\"", x0, "\" y=\"", y + static_cast<int>(row) * kRow,
                      "\" width=\"", w, "\" height=\"", kRow - 3, "\" fill=\"", LevelColour(level),
                      "\"",
                      res == 0        ? ""
                      : res <= 300000 ? " stroke-dasharray=\"4 2\""
                                      : " stroke-dasharray=\"1 2\"",
                      "><title>");
      AppendHtmlEscaped(&svg, absl::StrCat(ulid, " ", MillisCell(Path(*m, {"minTime"})), " - ",
                                           MillisCell(Path(*m, {"maxTime"}))));
      svg.append("</title></rect></a>");
      Json d = {{"ulid", ulid},
                {"labels", lanes[g].first},
                {"minTime", MillisCell(Path(*m, {"minTime"}))},
                {"maxTime", MillisCell(Path(*m, {"maxTime"}))},
                {"series", Path(*m, {"stats", "numSeries"})},
                {"samples", Path(*m, {"stats", "numSamples"})},
                {"chunks", Path(*m, {"stats", "numChunks"})},
                {"indexBytes", FilesBytes(*m, "index")},
                {"chunksBytes", FilesBytes(*m, "chunks/")},
                {"level", level},
                {"resolution", res},
                {"sources", Path(*m, {"compaction", "sources"})},
                {"uploadedBy", Path(*m, {"thanos", "source"})}};
      auto ih = index_header_bytes.find(ulid);
      d["indexHeaderBytes"] = ih == index_header_bytes.end() ? Json(nullptr) : Json(ih->second);
      if (details.size() > 1) details.append(",");
      details.append(Json(ulid).dump())
          .append(":")
          .append(d.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    y += rows * kRow + 4;
    svg.append("</g>");
  }
  details.append("}");
  // Inside <script>, "</" would end the element: escape every '<' of the data.
  std::string safe;
  for (char c : details) {
    if (c == '<') {
      safe.append("\\u003c");
    } else {
      safe.push_back(c);
    }
  }

  absl::StrAppend(out, "<h2>Timeline</h2>\n<p>", MillisCell(Json(tmin)), " to ",
                  MillisCell(Json(tmax)),
                  ". Colour: compaction level (light = 1, dark = 5+); dashed: 5m downsampled, "
                  "dotted: 1h. Click a block for its details.</p>\n<svg id=\"timeline\" "
                  "xmlns=\"http://www.w3.org/2000/svg\" width=\"",
                  kLeft * 2 + kWidth, "\" height=\"", y + 4, "\">", svg, "</svg>\n");
  absl::StrAppend(out, "<div id=\"detail\"><p>No block selected.</p></div>\n",
                  "<script type=\"application/json\" id=\"blocks-data\">", safe, "</script>\n",
                  R"(<script>
(function () {
  var blocks = JSON.parse(document.getElementById('blocks-data').textContent);
  function text(v) { return v === null || v === undefined || v === -1 ? 'unknown' : String(v); }
  function show() {
    var id = decodeURIComponent(location.hash.slice(1));
    var b = blocks[id], box = document.getElementById('detail');
    document.querySelectorAll('rect.block.selected').forEach(function (r) { r.classList.remove('selected'); });
    if (!b) { box.innerHTML = '<p>No block selected.</p>'; return; }
    var rect = document.querySelector('rect.block[data-ulid="' + id + '"]');
    if (rect) rect.classList.add('selected');
    var rows = [['ULID', b.ulid], ['Labels', b.labels], ['Min time', b.minTime], ['Max time', b.maxTime],
      ['Series', b.series], ['Samples', b.samples], ['Chunks', b.chunks],
      ['Index bytes', b.indexBytes], ['Chunks bytes', b.chunksBytes],
      ['Compaction level', b.level], ['Resolution (ms)', b.resolution],
      ['Sources', (b.sources || []).join(', ')], ['Uploaded by', b.uploadedBy],
      ['Index-header', b.indexHeaderBytes === null ? 'not loaded' : 'loaded, ' + b.indexHeaderBytes + ' bytes']];
    var table = document.createElement('table');
    table.className = 'detail';
    rows.forEach(function (r) {
      var tr = table.insertRow(), th = document.createElement('th'), td = tr.insertCell();
      th.textContent = r[0]; td.textContent = text(r[1]);
      tr.insertBefore(th, td);
    });
    box.replaceChildren(table);
  }
  window.addEventListener('hashchange', show);
  show();
})();
</script>
)");
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
      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
      "rect.block{stroke:#333;stroke-width:0.5;cursor:pointer}rect.block.selected{stroke:#e6550d;"
      "stroke-width:2}text.group-label{font-size:12px}</style></head>\n<body>\n"
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
  AppendTimeline(&out, metas, loaded.index_header_bytes);
  out.append(
      "<h2>Blocks</h2>\n<table>\n<tr><th>ULID</th><th>Min time</th><th>Max time</th><th>Labels</th>"
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

}  // namespace charon::server::http
