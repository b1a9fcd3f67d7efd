#include "e2e/store_answer.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "tsdb/xor_chunk.h"

namespace charon::e2e {

tsdb::Labels LabelsOf(const google::protobuf::RepeatedPtrField<thanos::Label>& labels) {
  tsdb::Labels out;
  out.reserve(static_cast<size_t>(labels.size()));
  for (const thanos::Label& l : labels) out.push_back({l.name(), l.value()});
  return out;
}

thanos::LabelMatcher ToProto(const Matcher& m) {
  thanos::LabelMatcher out;
  out.set_name(m.name);
  out.set_value(m.value);
  switch (m.op) {
    case MatchOp::kEq:
      out.set_type(thanos::LabelMatcher::EQ);
      break;
    case MatchOp::kNeq:
      out.set_type(thanos::LabelMatcher::NEQ);
      break;
    case MatchOp::kRe:
      out.set_type(thanos::LabelMatcher::RE);
      break;
    case MatchOp::kNre:
      out.set_type(thanos::LabelMatcher::NRE);
      break;
  }
  return out;
}

StoreAnswer DecodeSeriesAnswer(const std::vector<thanos::Series>& series, int64_t mint,
                               int64_t maxt) {
  StoreAnswer out;
  const tsdb::Labels* prev = nullptr;
  std::vector<tsdb::Labels> all;
  all.reserve(series.size());
  for (const thanos::Series& s : series) all.push_back(LabelsOf(s.labels()));
  for (size_t i = 0; i < series.size(); ++i) {
    const tsdb::Labels& labels = all[i];
    const std::string name = tsdb::LabelsToString(labels);
    for (size_t k = 1; k < labels.size(); ++k) {
      if (!(labels[k - 1].name < labels[k].name)) {
        out.problems.push_back(absl::StrCat(name, ": labels not strictly sorted by name"));
        break;
      }
    }
    if (prev != nullptr && tsdb::CompareLabels(*prev, labels) >= 0) {
      out.problems.push_back(
          absl::StrCat("series out of order: ", name, " after ", tsdb::LabelsToString(*prev)));
    }
    prev = &labels;

    std::map<int64_t, uint64_t> merged;
    const thanos::AggrChunk* prev_chunk = nullptr;
    for (const thanos::AggrChunk& c : series[i].chunks()) {
      if (prev_chunk != nullptr &&
          std::make_pair(c.min_time(), c.max_time()) <
              std::make_pair(prev_chunk->min_time(), prev_chunk->max_time())) {
        out.problems.push_back(absl::StrCat(name, ": chunk [", c.min_time(), ", ", c.max_time(),
                                            "] after [", prev_chunk->min_time(), ", ",
                                            prev_chunk->max_time(), "]"));
      }
      prev_chunk = &c;
      if (!c.has_raw() || c.raw().type() != thanos::Chunk::XOR) {
        out.problems.push_back(absl::StrCat(name, ": chunk [", c.min_time(), ", ", c.max_time(),
                                            "] is not a raw XOR chunk"));
        continue;
      }
      tsdb::XorIterator it(c.raw().data());
      int64_t first = 0;
      int64_t last = 0;
      int n = 0;
      while (it.Next()) {
        if (n++ == 0) first = it.t();
        last = it.t();
        if (it.t() < mint || it.t() > maxt) continue;
        auto [pos, inserted] = merged.emplace(it.t(), it.v_bits());
        if (!inserted && pos->second != it.v_bits()) {
          out.problems.push_back(absl::StrCat(name, ": two chunks disagree at ",
                                              FormatSample({it.t(), pos->second}), " vs ",
                                              FormatSample({it.t(), it.v_bits()})));
        }
      }
      if (!it.status().ok()) {
        out.problems.push_back(absl::StrCat(name, ": chunk [", c.min_time(), ", ", c.max_time(),
                                            "]: ", it.status().ToString()));
      } else if (n == 0 || first != c.min_time() || last != c.max_time()) {
        out.problems.push_back(absl::StrCat(name, ": chunk says [", c.min_time(), ", ",
                                            c.max_time(), "] but holds ", n, " samples in [", first,
                                            ", ", last, "]"));
      }
    }
    if (merged.empty()) {
      ++out.series_without_samples;
      continue;
    }
    std::vector<RawSample>& dst = out.series[labels];
    if (!dst.empty()) {
      out.problems.push_back(absl::StrCat(name, ": returned twice"));
      continue;
    }
    for (const auto& [t, bits] : merged) dst.push_back({t, bits});
  }
  return out;
}

}  // namespace charon::e2e
