#include "e2e/series_diff.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace charon::e2e {
namespace {

class Lines {
 public:
  explicit Lines(int max) : max_(max) {}
  void Add(std::string line) {
    if (n_++ < max_) absl::StrAppend(&out_, line, "\n");
  }
  std::string Finish() && {
    if (n_ > max_) absl::StrAppend(&out_, "... and ", n_ - max_, " more differences\n");
    return std::move(out_);
  }

 private:
  int max_;
  int n_ = 0;
  std::string out_;
};

std::string Quoted(const std::string& s) { return tsdb::GoQuote(s); }

}  // namespace

uint64_t DoubleBits(double v) { return std::bit_cast<uint64_t>(v); }
double BitsDouble(uint64_t bits) { return std::bit_cast<double>(bits); }

std::string FormatSample(const RawSample& s) {
  return absl::StrFormat(
      "t=%d (%s) v=%.17g [0x%016x]", s.t,
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(s.t), absl::UTCTimeZone()),
      BitsDouble(s.bits), s.bits);
}

int64_t CountSamples(const SeriesSet& s) {
  int64_t n = 0;
  for (const auto& [labels, samples] : s) n += static_cast<int64_t>(samples.size());
  return n;
}

std::string DiffSeriesSets(const SeriesSet& want, const SeriesSet& got, int max_lines) {
  Lines lines(max_lines);
  auto w = want.begin();
  auto g = got.begin();
  while (w != want.end() || g != got.end()) {
    int cmp = w == want.end() ? 1 : g == got.end() ? -1 : tsdb::CompareLabels(w->first, g->first);
    if (cmp < 0) {
      lines.Add(absl::StrCat("missing series ", tsdb::LabelsToString(w->first), " (",
                             w->second.size(), " samples, first ", FormatSample(w->second.front()),
                             ")"));
      ++w;
      continue;
    }
    if (cmp > 0) {
      lines.Add(absl::StrCat("unexpected series ", tsdb::LabelsToString(g->first), " (",
                             g->second.size(), " samples, first ", FormatSample(g->second.front()),
                             ")"));
      ++g;
      continue;
    }
    const std::string name = tsdb::LabelsToString(w->first);
    const std::vector<RawSample>& ws = w->second;
    const std::vector<RawSample>& gs = g->second;
    size_t i = 0;
    size_t j = 0;
    int reported = 0;
    while ((i < ws.size() || j < gs.size()) && reported < 5) {
      if (j == gs.size() || (i < ws.size() && ws[i].t < gs[j].t)) {
        lines.Add(absl::StrCat(name, ": missing sample ", FormatSample(ws[i++])));
        ++reported;
      } else if (i == ws.size() || gs[j].t < ws[i].t) {
        lines.Add(absl::StrCat(name, ": unexpected sample ", FormatSample(gs[j++])));
        ++reported;
      } else {
        if (ws[i].bits != gs[j].bits) {
          lines.Add(absl::StrCat(
              name, ": want ", FormatSample(ws[i]), ", got ",
              absl::StrFormat("v=%.17g [0x%016x]", BitsDouble(gs[j].bits), gs[j].bits)));
          ++reported;
        }
        ++i;
        ++j;
      }
    }
    if (reported == 5 && ws != gs) {
      lines.Add(absl::StrCat(name, ": (further sample differences not shown; ", ws.size(),
                             " samples wanted, ", gs.size(), " got)"));
    }
    ++w;
    ++g;
  }
  return std::move(lines).Finish();
}

std::string DiffStringLists(const std::vector<std::string>& want,
                            const std::vector<std::string>& got) {
  if (want == got) return "";
  std::vector<std::string> w = want;
  std::vector<std::string> g = got;
  std::sort(w.begin(), w.end());
  std::sort(g.begin(), g.end());
  std::vector<std::string> missing;
  std::vector<std::string> unexpected;
  std::set_difference(w.begin(), w.end(), g.begin(), g.end(), std::back_inserter(missing));
  std::set_difference(g.begin(), g.end(), w.begin(), w.end(), std::back_inserter(unexpected));
  std::string out;
  for (const std::string& s : missing) absl::StrAppend(&out, "missing ", Quoted(s), "\n");
  for (const std::string& s : unexpected) absl::StrAppend(&out, "unexpected ", Quoted(s), "\n");
  if (out.empty()) {
    absl::StrAppend(&out, "same elements, different order or duplicates: want ", want.size(),
                    " got ", got.size(), "\n");
  }
  return out;
}

}  // namespace charon::e2e
