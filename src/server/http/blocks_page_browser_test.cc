// The blocks page in a real browser: headless Chromium (Debian's `chromium`) loads the page of a
// running HttpServer holding 36 blocks in 3 label groups, runs its script, and the test asserts on
// the rendered DOM (one bar per block, one lane per group, the detail view of the block named in
// the URL) and keeps a screenshot in $CHARON_ARTIFACTS_DIR (set by CMake) for a human to look at.
// The test fails when chromium is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/http/http_server.h"
#include "testing/child_process.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace charon::server::http {
namespace {

using ::charon::testing::RunCommand;
using ::charon::testing::TempDir;
using ::testing::HasSubstr;

// 26 Crockford base32 characters: "01J0000000000000000000" + group + index.
std::string Ulid(int group, int i) {
  return absl::StrCat("01J00000000000000000000", group, std::string(1, 'A' + i / 10),
                      std::string(1, '0' + i % 10));
}

// Group g: 12 two-hour blocks of level 1-3, one pair overlapping, one gap; group 2 downsampled.
std::vector<std::string> Metas() {
  std::vector<std::string> out;
  const int64_t start = 1767225600000, h2 = 7200000;
  for (int g = 0; g < 3; ++g) {
    for (int i = 0; i < 12; ++i) {
      int64_t mint = start + i * h2 + (i >= 8 ? h2 : 0);  // a gap after the 8th block
      if (i == 3) mint -= h2 / 2;                         // overlaps the 3rd
      const int res = g == 2 ? (i % 2 == 0 ? 300000 : 3600000) : 0;
      out.push_back(absl::StrCat(
          R"({"ulid":")", Ulid(g, i), R"(","minTime":)", mint, R"(,"maxTime":)", mint + h2,
          R"(,"stats":{"numSeries":)", 100 + i, R"(,"numSamples":)", 12000 + i, R"(,"numChunks":)",
          200 + i, R"(},"compaction":{"level":)", 1 + i % 3, R"(,"sources":[")", Ulid(g, i),
          R"("]},"version":1,"thanos":{"labels":{"region":"r)", g,
          R"("},"downsample":{"resolution":)", res,
          R"(},"source":"sidecar","files":[{"rel_path":"chunks/000001","size_bytes":5000},)"
          R"({"rel_path":"index","size_bytes":)",
          700 + i, R"(},{"rel_path":"meta.json"}]}})"));
    }
  }
  return out;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::vector<std::string> Chromium(const std::string& profile, std::vector<std::string> args) {
  std::vector<std::string> argv = {"chromium",
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--no-first-run",
                                   "--user-data-dir=" + profile};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

TEST(BlocksPageInChromium, TimelineShowsEveryBlockAndTheDetailOfTheSelectedOne) {
  prometheus::Registry registry;
  HttpServerOptions options;
  options.address = "127.0.0.1:0";
  options.grace_period = absl::Seconds(1);
  options.ready = [] { return true; };
  options.loaded_blocks = [] {
    BlocksSnapshot s;
    s.metas = Metas();
    s.refreshed_at = absl::FromUnixSeconds(1767312000);
    s.index_header_bytes[Ulid(1, 4)] = 4321;
    return s;
  };
  HttpServer server(std::move(options), &registry);
  ASSERT_OK(server.Start());
  ASSERT_OK_AND_ASSIGN(TempDir profile, TempDir::Create("chromium"));
  const std::string url = absl::StrCat("http://127.0.0.1:", server.port(), "/#", Ulid(1, 4));

  ASSERT_OK_AND_ASSIGN(testing::CommandResult dom,
                       RunCommand(Chromium(profile.path(), {"--dump-dom", url})));
  ASSERT_EQ(dom.exit_code, 0) << "chromium failed (is Debian's chromium installed?): "
                              << dom.stderr_text.substr(0, 2000);
  const std::string& html = dom.stdout_text;
  EXPECT_EQ(Count(html, "<rect class=\"block "), 36u);
  EXPECT_EQ(Count(html, "<g class=\"group\""), 3u);
  for (const char* lane : {"region=\"r0\"", "region=\"r1\"", "region=\"r2\""}) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat(">", lane, "</text>")));
  }
  EXPECT_EQ(Count(html, "res-300000"), 6u);
  EXPECT_EQ(Count(html, "res-3600000"), 6u);
  // The script ran: the selected bar is marked and the detail view is a table of its figures.
  EXPECT_THAT(html, HasSubstr(absl::StrCat("selected\" data-ulid=\"", Ulid(1, 4), "\"")));
  EXPECT_EQ(Count(html, " selected\""), 1u);
  const size_t detail = html.find("<table class=\"detail\">");
  ASSERT_NE(detail, std::string::npos) << "no detail view in the rendered page";
  const std::string view = html.substr(detail, html.find("</table>", detail) - detail);
  for (const std::string& cell :
       {absl::StrCat("<td>", Ulid(1, 4), "</td>"), std::string("<td>104</td>"),
        std::string("<td>12004</td>"), std::string("<td>704</td>"), std::string("<td>5000</td>"),
        std::string("<td>2</td>"), std::string("<td>sidecar</td>"),
        std::string("<td>loaded, 4321 bytes</td>")}) {
    EXPECT_THAT(view, HasSubstr(cell));
  }

  const char* artifacts = std::getenv("CHARON_ARTIFACTS_DIR");
  const std::string dir = artifacts != nullptr ? artifacts : profile.Path("artifacts");
  std::filesystem::create_directories(dir);
  const std::string png = dir + "/blocks-page.png";
  std::filesystem::remove(png);
  ASSERT_OK_AND_ASSIGN(testing::CommandResult shot,
                       RunCommand(Chromium(profile.path(), {"--screenshot=" + png,
                                                            "--window-size=1280,1100", url})));
  ASSERT_EQ(shot.exit_code, 0) << shot.stderr_text.substr(0, 2000);
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 10000u);
}

}  // namespace
}  // namespace charon::server::http
