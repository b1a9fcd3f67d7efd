#include "server/http/blocks_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nlohmann/json.hpp"

namespace charon::server::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char kMeta[] =
    R"({"ulid":"01HQ8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z","minTime":1767225600000,"maxTime":1767232800000,)"
    R"("stats":{"numSamples":1200,"numSeries":10,"numChunks":20},"compaction":{"level":1},"version":1,)"
    R"("thanos":{"labels":{"cluster":"<eu>"},"downsample":{"resolution":0},"source":"sidecar"}})";

TEST(RenderBlocksJson, GlobalViewIsAlwaysEmpty) {
  BlocksSnapshot loaded{
      {kMeta}, absl::FromUnixSeconds(1767225600), absl::UnavailableError("x"), {}};
  EXPECT_EQ(RenderBlocksJson("cluster", loaded, /*loaded_view=*/false),
            R"({"status":"success","data":{"label":"cluster","blocks":[],)"
            R"("refreshedAt":"0001-01-01T00:00:00Z","err":null}})");
}

TEST(RenderBlocksJson, LoadedViewCarriesMetasTimeAndError) {
  BlocksSnapshot loaded{{kMeta, "not json"},
                        absl::FromUnixMillis(1767225600500),
                        absl::UnavailableError("bucket down"),
                        {}};
  nlohmann::json got = nlohmann::json::parse(RenderBlocksJson("", loaded, /*loaded_view=*/true));
  EXPECT_EQ(got["status"], "success");
  EXPECT_EQ(got["data"]["label"], "");
  ASSERT_EQ(got["data"]["blocks"].size(), 1u);
  EXPECT_EQ(got["data"]["blocks"][0], nlohmann::json::parse(kMeta));
  EXPECT_EQ(got["data"]["refreshedAt"], "2026-01-01T00:00:00.5Z");
  EXPECT_EQ(got["data"]["err"], "bucket down");
}

TEST(RenderBlocksJson, LoadedViewBeforeFirstFetch) {
  nlohmann::json got =
      nlohmann::json::parse(RenderBlocksJson("", BlocksSnapshot{}, /*loaded_view=*/true));
  EXPECT_EQ(got["data"]["blocks"], nlohmann::json::array());
  EXPECT_EQ(got["data"]["refreshedAt"], "0001-01-01T00:00:00Z");
  EXPECT_TRUE(got["data"]["err"].is_null());
}

TEST(RenderBlocksPage, ListsBlocksAndEscapesLabels) {
  BlocksSnapshot loaded{{kMeta}, absl::FromUnixSeconds(1767225600), absl::OkStatus(), {}};
  std::string page = RenderBlocksPage("cluster", loaded);
  EXPECT_THAT(page, HasSubstr("<td>01HQ8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z8Z</td>"));
  EXPECT_THAT(page, HasSubstr("<td>2026-01-01T00:00:00Z</td><td>2026-01-01T02:00:00Z</td>"));
  EXPECT_THAT(page, HasSubstr("cluster=&quot;&lt;eu&gt;&quot;"));
  EXPECT_THAT(page, HasSubstr("<td>10</td><td>1200</td><td>20</td>"));
  EXPECT_THAT(page, Not(HasSubstr("<eu>")));
}

}  // namespace
}  // namespace charon::server::http
