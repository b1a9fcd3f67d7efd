#include "testing/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/strings.h"

namespace charon::testing {
namespace {

std::string TempRoot() {
  for (const char* var : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "/tmp";
}

}  // namespace

absl::StatusOr<TempDir> TempDir::Create(std::string_view prefix) {
  std::string tmpl = absl::StrCat(TempRoot(), "/", base::Absl(prefix), "-XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat("mkdtemp ", tmpl, ": ", std::strerror(errno)));
  }
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(tmpl, ec).string();
  return TempDir(ec ? tmpl : absolute);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::exchange(other.path_, "");
  }
  return *this;
}

TempDir::~TempDir() { Remove(); }

std::string TempDir::Path(std::string_view relative) const {
  return absl::StrCat(path_, "/", base::Absl(relative));
}

void TempDir::Remove() {
  if (path_.empty()) return;
  const char* keep = std::getenv("CHARON_KEEP_TEMP");
  if (keep == nullptr || std::string_view(keep) != "1") {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  path_.clear();
}

absl::Status WriteFile(const std::string& path, std::string_view contents) {
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) return absl::UnavailableError(absl::StrCat("mkdir for ", path, ": ", ec.message()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("writing ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return absl::NotFoundError(absl::StrCat(path, " not found"));
    return absl::UnavailableError(absl::StrCat("opening ", path));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("reading ", path));
  return std::move(ss).str();
}

}  // namespace charon::testing
