#include "store/store_test_util.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "testing/temp_dir.h"
#include "tsdb/xor_chunk.h"

namespace charon::store {

absl::StatusOr<std::string> WriteBlockCopies(const testing::BlockBuilder& builder,
                                             const std::string& root, int n) {
  CHARON_ASSIGN_OR_RETURN(std::vector<std::string> written,
                          builder.WriteBlocks(root + "/template"));
  if (written.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("want one block, got ", written.size()));
  }
  const std::string bucket = root + "/bucket";
  std::error_code ec;
  std::filesystem::create_directories(bucket, ec);
  for (int i = 0; i < n; ++i) {
    std::string id = base::Ulid::FromTime(1700000000000, 1000 + i).ToString();
    std::string dir = bucket + "/" + id;
    std::filesystem::copy(written.front(), dir, std::filesystem::copy_options::recursive, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("copy block: ", ec.message()));
    CHARON_ASSIGN_OR_RETURN(std::string text, testing::ReadFile(dir + "/meta.json"));
    nlohmann::json meta = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (meta.is_discarded()) return absl::DataLossError("meta.json of the fixture block");
    meta["ulid"] = id;
    meta["compaction"]["sources"] = nlohmann::json::array({id});
    meta["thanos"]["labels"]["copy"] = absl::StrCat(i);
    CHARON_RETURN_IF_ERROR(testing::WriteFile(dir + "/meta.json", meta.dump()));
  }
  return bucket;
}

MetaSource AllBlocks(std::shared_ptr<objstore::Bucket> bucket) {
  return [bucket] {
    MetaView view;
    view.err = bucket->Iter("", [&](std::string_view name) {
      std::string dir(name);
      if (!dir.empty() && dir.back() == '/') dir.pop_back();
      if (!base::Ulid::Parse(dir).ok()) return absl::OkStatus();
      auto text = bucket->Get(dir + "/meta.json");
      if (!text.ok()) return absl::OkStatus();
      auto meta = tsdb::ParseBlockMeta(*text);
      if (!meta.ok()) return absl::OkStatus();
      view.metas[meta->ulid] = std::make_shared<const tsdb::BlockMeta>(std::move(meta).value());
      return absl::OkStatus();
    });
    return view;
  };
}

absl::Status CollectingSink::Send(const SeriesOut& s) {
  CollectedSeries c;
  c.labels = s.labels;
  c.num_chunks = s.chunks.size();
  for (const auto& ch : s.chunks) {
    if (!ch.raw) return absl::InternalError("chunk without raw data");
    if (ch.raw->encoding != 0) return absl::InternalError("test expects XOR chunks only");
    tsdb::XorIterator it(ch.raw->data);
    while (it.Next()) {
      if (it.t() < ch.min_time || it.t() > ch.max_time) {
        return absl::InternalError("sample outside its chunk's time range");
      }
      if (it.t() >= mint_ && it.t() <= maxt_) c.samples.push_back({it.t(), it.v()});
    }
    if (!it.status().ok()) return it.status();
  }
  std::stable_sort(c.samples.begin(), c.samples.end(),
                   [](const testing::Sample& a, const testing::Sample& b) { return a.t < b.t; });
  c.samples.erase(
      std::unique(c.samples.begin(), c.samples.end(),
                  [](const testing::Sample& a, const testing::Sample& b) { return a.t == b.t; }),
      c.samples.end());
  series.push_back(std::move(c));
  return absl::OkStatus();
}

testing::SeriesSamples Select(
    const std::vector<std::pair<testing::SeriesSamples, tsdb::Labels>>& data,
    const std::vector<tsdb::Matcher>& matchers, int64_t mint, int64_t maxt) {
  testing::SeriesSamples out;
  for (const auto& [series, external] : data) {
    for (const auto& [labels, samples] : series) {
      tsdb::Labels ls;
      for (const auto& l : labels) {
        if (tsdb::GetLabel(external, l.name).empty()) ls.push_back(l);
      }
      ls.insert(ls.end(), external.begin(), external.end());
      std::sort(ls.begin(), ls.end());
      bool match = std::all_of(matchers.begin(), matchers.end(), [&](const tsdb::Matcher& m) {
        return m.Matches(tsdb::GetLabel(ls, m.name()));
      });
      if (!match) continue;
      auto& dst = out[ls];
      for (const auto& s : samples) {
        if (s.t >= mint && s.t <= maxt) dst.push_back(s);
      }
      std::stable_sort(
          dst.begin(), dst.end(),
          [](const testing::Sample& a, const testing::Sample& b) { return a.t < b.t; });
      dst.erase(std::unique(
                    dst.begin(), dst.end(),
                    [](const testing::Sample& a, const testing::Sample& b) { return a.t == b.t; }),
                dst.end());
      if (dst.empty()) out.erase(ls);
    }
  }
  return out;
}

std::vector<tsdb::Matcher> ParseMatchers(
    std::initializer_list<std::tuple<tsdb::MatchType, const char*, const char*>> ms) {
  std::vector<tsdb::Matcher> out;
  for (const auto& [t, n, v] : ms) out.push_back(tsdb::Matcher::Create(t, n, v).value());
  return out;
}

}  // namespace charon::store
